/**
 * The library's weekly service hours, parsed from LIBRARY_HOURS, and the clock questions
 * asked of them ("open now?", "when do we open next?") answered in the library's time zone.
 *
 * Format: `mon-fri 08:00-16:00; sat 08:00-12:00` — day or day range, then one or more
 * comma-separated HH:MM-HH:MM spans. Days that are not named are closed.
 */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Span {
  /** minutes after midnight, local time */
  from: number;
  to: number;
}
export type WeeklyHours = Readonly<Record<Weekday, readonly Span[]>>;

export function parseServiceHours(spec: string): WeeklyHours {
  const week: Record<Weekday, Span[]> = { sun: [], mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] };
  for (const part of spec
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z]{3})(?:-([a-z]{3}))?\s+(.+)$/i.exec(part);
    if (!m) throw new Error(`cannot read "${part}" (expected e.g. "mon-fri 08:00-16:00")`);
    const first = dayIndex(m[1]!);
    const last = m[2] ? dayIndex(m[2]) : first;
    const spans = m[3]!.split(",").map((s) => parseSpan(s.trim()));
    for (let d = first; ; d = (d + 1) % 7) {
      week[WEEKDAYS[d]!].push(...spans);
      if (d === last) break;
    }
  }
  for (const day of WEEKDAYS) week[day].sort((a, b) => a.from - b.from);
  return Object.freeze(week);
}

function dayIndex(name: string): number {
  const i = WEEKDAYS.indexOf(name.toLowerCase() as Weekday);
  if (i < 0) throw new Error(`unknown day "${name}" (use ${WEEKDAYS.join(", ")})`);
  return i;
}

function parseSpan(text: string): Span {
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`cannot read time span "${text}" (expected HH:MM-HH:MM)`);
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  if (Number(m[2]) > 59 || Number(m[4]) > 59 || to > 24 * 60 || from >= to) {
    throw new Error(`time span "${text}" is not a valid opening period`);
  }
  return { from, to };
}

export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** Weekday, date and minute of the day of `at` on the wall clock of `timeZone`. */
export function localClock(at: Date, timeZone: string): { weekday: Weekday; date: string; minutes: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    weekday: get("weekday").toLowerCase().slice(0, 3) as Weekday,
    date: `${get("year")}-${get("month")}-${get("day")}`,
    minutes: Number(get("hour")) * 60 + Number(get("minute")),
  };
}

export type OpenState =
  | { open: true; closesAt: number }
  | { open: false; next: { weekday: Weekday; daysAhead: number; from: number } | null };

/** Is the library open at `at`, and if not, when does it open next (within a week)? */
export function openState(hours: WeeklyHours, at: Date, timeZone: string): OpenState {
  const now = localClock(at, timeZone);
  const today = WEEKDAYS.indexOf(now.weekday);
  const current = hours[now.weekday].find((s) => s.from <= now.minutes && now.minutes < s.to);
  if (current) return { open: true, closesAt: current.to };
  for (let ahead = 0; ahead <= 7; ahead++) {
    const weekday = WEEKDAYS[(today + ahead) % 7]!;
    const span = hours[weekday].find((s) => ahead > 0 || s.from > now.minutes);
    if (span) return { open: false, next: { weekday, daysAhead: ahead, from: span.from } };
  }
  return { open: false, next: null };
}
