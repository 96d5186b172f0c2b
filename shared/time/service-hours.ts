/**
 * The library's weekly service hours, parsed from LIBRARY_HOURS, and the one answer to "are we
 * open now, and if not, when next?" — in the library's time zone, minus its holidays when known.
 *
 * Format: `mon-fri 08:00-16:00; sat 08:00-12:00` — day or day range, then one or more
 * comma-separated HH:MM-HH:MM spans. Days that are not named are closed.
 */
import { addDays, isHoliday, NO_HOLIDAYS, WEEKDAYS, type HolidayCalendar, type Weekday } from "./calendar";
import { localClock } from "./zone";

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

export type OpenState =
  | { open: true; closesAt: number }
  | {
      open: false;
      /** the next opening: its weekday, how many days ahead, minute of the day, and date (YYYY-MM-DD) */
      next: { weekday: Weekday; daysAhead: number; from: number; date: string } | null;
    };

/** How far ahead to look for the next opening: past a long holiday (Lebaran), not for ever. */
const LOOKAHEAD_DAYS = 60;

/**
 * Is the library open at `at`, and if not, when does it open next? Weekly hours, minus the
 * holidays of `calendar` (weekly closing days and dated holidays) when the library system gives them.
 */
export function openState(
  hours: WeeklyHours,
  at: Date,
  timeZone: string,
  calendar: HolidayCalendar = NO_HOLIDAYS,
): OpenState {
  const now = localClock(at, timeZone);
  if (!isHoliday(now.date, calendar)) {
    const current = hours[now.weekday].find((s) => s.from <= now.minutes && now.minutes < s.to);
    if (current) return { open: true, closesAt: current.to };
  }
  const today = WEEKDAYS.indexOf(now.weekday);
  for (let ahead = 0; ahead <= LOOKAHEAD_DAYS; ahead++) {
    const date = addDays(now.date, ahead);
    if (isHoliday(date, calendar)) continue;
    const weekday = WEEKDAYS[(today + ahead) % 7]!;
    const span = hours[weekday].find((s) => ahead > 0 || s.from > now.minutes);
    if (span) return { open: false, next: { weekday, daysAhead: ahead, from: span.from, date } };
  }
  return { open: false, next: null };
}
