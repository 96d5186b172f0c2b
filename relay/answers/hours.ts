/**
 * Service hours, answered as asked: the day the patron named ("besok buka ga?", "is the library
 * open on saturday?", "tanggal 25"), right now ("sekarang buka?"), or the weekly table when the
 * schedule itself is asked for ("jadwal", "/jam"). Which day was asked is relay/asked-day.ts; the
 * hours of a day come from the service calendar (shared/time/service-calendar.ts): the weekly
 * hours the library set in the console (LIBRARY_HOURS until then), its own dated exceptions (a
 * named holiday, Ramadan hours) and the library system's closing days and dated holidays, all on
 * the library's wall clock (docs/calendar.md).
 *
 * The library system's holidays (SLiMS `holiday`) may fail or be slow: then the library's own
 * calendar stands alone and the patron is told so, as the handoff does (relay/handoff.ts).
 * Each reply's meta says what was asked and found (`hours`), so the log and tests can tell the
 * kind of answer apart from its wording.
 */
import { withTimeout } from "../../shared/lifecycle";
import type { Language } from "../../shared/envelope";
import { addDays, NO_HOLIDAYS, WEEKDAYS, weekdayOf } from "../../shared/time/calendar";
import type { Opening } from "../../shared/time/day-hours";
import {
  dayOf,
  nextOpeningIn,
  weeklyOnly,
  type CalendarName,
  type ServiceCalendar,
  type ServiceDay,
} from "../../shared/time/service-calendar";
import { formatMinutes, type Span } from "../../shared/time/service-hours";
import { localClock, type LocalClock } from "../../shared/time/zone";
import { hoursTexts } from "../../shared/texts";
import { askedDay, type AskedDate } from "../asked-day";
import { cue, parseCommand } from "../intents";
import { defineAnswer, type AnswerContext, type LibraryProfile } from "./answer";

/** How long the answer waits for the library system's holidays before it answers with the weekly hours. */
export const HOLIDAYS_WAIT_MS = 2000;

/** How far ahead the weekly table lists dated holidays. */
const COMING_HOLIDAY_DAYS = 14;

/** Day words: too weak alone, but they tip "makasih, besok buka?" towards the question. */
const DAY_WORDS = [
  ...["besok", "bsk", "lusa", "hari ini", "sekarang", "skrg"].map((w) => cue(w, 1, "id")),
  ...["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"].map((w) => cue(w, 1, "id")),
  ...["tomorrow", "today", "now", "tonight"].map((w) => cue(w, 1, "en")),
  ...["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((w) =>
    cue(w, 1, "en"),
  ),
];

/** A date on its own ("tgl 25 des", "on 25 December") is a question about that day. */
const DATE_WORDS = [
  cue("tanggal", 1.5, "id"),
  cue("tgl", 1.5, "id"),
  ...["januari", "februari", "maret", "april", "juni", "juli", "agustus", "oktober", "desember"].map((w) =>
    cue(w, 1.5, "id"),
  ),
  ...["january", "february", "march", "june", "july", "august", "october", "december"].map((w) =>
    cue(w, 1.5, "en"),
  ),
  ...["september", "november"].map((w) => cue(w, 1.5)),
];

export const hours = defineAnswer({
  name: "hours",
  commands: { id: "jam", en: "hours" },
  menu: {
    order: 60,
    help: { id: "jam layanan perpustakaan", en: "library service hours" },
    commandList: { id: "Jam layanan perpustakaan", en: "Library service hours" },
  },
  intent: {
    precedence: 80,
    cues: [
      cue("jam buka", 3, "id"),
      cue("jam layanan", 3, "id"),
      cue("jam operasional", 3, "id"),
      cue("jam tutup", 3, "id"),
      cue("jadwal", 2, "id"),
      cue("buka", 2, "id"),
      cue("bukak", 2, "id"),
      cue("tutup", 2, "id"),
      cue("libur", 2, "id"),
      cue("akhir pekan", 1.5, "id"),
      cue("kapan", 1, "id"),
      cue("jam", 1.5, "id"),
      cue("opening hours", 3, "en"),
      cue("hours", 2.5, "en"),
      cue("open", 2, "en"),
      cue("opening", 2, "en"),
      cue("closed", 2, "en"),
      cue("close", 1.5, "en"),
      cue("schedule", 2, "en"),
      cue("holiday", 2, "en"),
      cue("weekend", 1.5, "en"),
      cue("when", 1, "en"),
      ...DAY_WORDS,
      ...DATE_WORDS,
    ],
  },
  answer: async (ctx) => {
    const clock = localClock(ctx.now, ctx.library.timeZone);
    // "/jam besok" asks about its argument; "/jam" alone, for the table.
    const question = parseCommand(ctx.text) ? ctx.args : ctx.text;
    const asked = question ? askedDay(question, clock.date) : ({ kind: "schedule" } as const);
    const { calendar, known } = await serviceCalendar(ctx);
    const week: Week = { calendar, clock, lang: ctx.lang };
    const note = known ? [] : [hoursTexts.holidaysUnknown(ctx.lang)];
    const source = known ? "library" : "weekly_only";
    switch (asked.kind) {
      case "now": {
        const now = nowState(week);
        const text = now.open
          ? hoursTexts.nowOpen(ctx.lang, now.until)
          : hoursTexts.closedNow(ctx.lang, now.holiday, now.next, now.name);
        return reply([text, ...note], { asked: "now", open: now.open, holidays: source });
      }
      case "days": {
        const { lines, days } =
          asked.days.length === 1 ? oneDay(week, asked.days[0]!) : severalDays(week, asked.days);
        return reply([...lines, ...note], { asked: "days", days, holidays: source });
      }
      case "no_such_date":
        return reply([hoursTexts.noSuchDate(ctx.lang), ...table(week, ctx.library)], {
          asked: "no_such_date",
          holidays: source,
        });
      case "schedule":
        return reply([...table(week, ctx.library), ...note], { asked: "schedule", holidays: source });
    }
  },
});

interface Week {
  calendar: ServiceCalendar;
  clock: LocalClock;
  lang: Language;
}

/** What one asked day turned out to be, for the reply's meta. */
interface DayFound {
  date: string;
  state: "open" | "closed" | "holiday" | "past";
  hours?: string[];
  /** a holiday's name (the library's own exceptions), in the patron's language */
  name?: string;
  /** the library's special hours of a period (Ramadan) apply that day: its first and last date */
  special?: { from: string; to: string };
  /** today only: open at this moment */
  openNow?: boolean;
  /** the next opening after that day (or after now, for today), YYYY-MM-DD HH:MM */
  next?: string;
}

const reply = (lines: string[], meta: Record<string, unknown>) => ({
  replies: [{ text: lines.join("\n"), meta: { hours: meta } }],
});

/** The service calendar (the relay's reader), or without one the weekly hours and the library system's holidays. */
async function serviceCalendar(ctx: AnswerContext): Promise<{ calendar: ServiceCalendar; known: boolean }> {
  if (ctx.services.calendar) {
    const reading = await ctx.services.calendar.current();
    return { calendar: reading.calendar, known: reading.importedKnown };
  }
  try {
    const calendar = await withTimeout(
      ctx.services.librarySystem.holidays(),
      HOLIDAYS_WAIT_MS,
      "reading the library's holidays",
    );
    return { calendar: weeklyOnly(ctx.library.hours, calendar), known: true };
  } catch {
    return { calendar: weeklyOnly(ctx.library.hours, NO_HOLIDAYS), known: false };
  }
}

const nameIn = (lang: Language, name: CalendarName | null | undefined) => name?.[lang] || undefined;

/** A holiday's name, the special period: what the reply's meta says besides the state. */
function dayExtras(lang: Language, day: ServiceDay): Pick<DayFound, "name" | "special"> {
  if (day.state === "holiday" && day.name) return { name: nameIn(lang, day.name)! };
  if (day.state === "open" && day.special) return { special: { from: day.special.from, to: day.special.to } };
  return {};
}

/** "(Jam layanan khusus (Ramadan) …)" after a day whose hours are a special period's. */
const specialNote = (lang: Language, day: ServiceDay): string[] =>
  day.state === "open" && day.special
    ? [hoursTexts.specialHours(lang, nameIn(lang, day.special.name), day.special.from, day.special.to)]
    : [];

const spanList = (spans: readonly Span[]) =>
  spans.map((s) => `${formatMinutes(s.from)}–${formatMinutes(s.to)}`);
const openingAt = (next: Opening | null) =>
  next ? { next: `${next.date} ${formatMinutes(next.from)}` } : {};

function nowState(week: Week) {
  const { clock } = week;
  const day = dayOf(week.calendar, clock.date);
  const current =
    day.state === "open" ? day.spans.find((s) => s.from <= clock.minutes && clock.minutes < s.to) : undefined;
  if (current) return { open: true as const, until: current.to };
  const next = nextOpeningIn(week.calendar, { date: clock.date, afterMinute: clock.minutes }, clock.date);
  const name = day.state === "holiday" ? nameIn(week.lang, day.name) : undefined;
  return { open: false as const, holiday: day.state === "holiday", next, name };
}

/** The first opening after the whole of `date`. */
const after = (week: Week, date: string) =>
  nextOpeningIn(week.calendar, { date, afterMinute: null }, week.clock.date);

function oneDay(week: Week, asked: AskedDate): { lines: string[]; days: DayFound[] } {
  const { lang, clock } = week;
  const { date, said } = asked;
  if (date < clock.date) return { lines: [hoursTexts.dayPast(lang, date)], days: [{ date, state: "past" }] };
  const day = dayOf(week.calendar, date);
  if (day.state !== "open") {
    const next = after(week, date);
    const text =
      day.state === "holiday"
        ? hoursTexts.dayHoliday(lang, said, date, next, nameIn(lang, day.name))
        : hoursTexts.dayClosed(lang, said, date, next);
    return { lines: [text], days: [{ date, state: day.state, ...dayExtras(lang, day), ...openingAt(next) }] };
  }
  const found: DayFound = { date, state: "open", hours: spanList(day.spans), ...dayExtras(lang, day) };
  const special = specialNote(lang, day);
  if (date !== clock.date)
    return { lines: [hoursTexts.dayOpen(lang, said, date, day.spans), ...special], days: [found] };
  // Today: where we are in the day matters ("today until 16:00", "sudah tutup, buka lagi besok").
  const now = nowState(week);
  if (now.open)
    return {
      lines: [hoursTexts.todayOpenNow(lang, now.until, day.spans), ...special],
      days: [{ ...found, openNow: true }],
    };
  const today = { ...found, openNow: false, ...openingAt(now.next) };
  if (clock.minutes < day.spans[0]!.from)
    return { lines: [hoursTexts.todayNotYet(lang, date, day.spans), ...special], days: [today] };
  const text =
    now.next && now.next.date === date
      ? hoursTexts.todayBreak(lang, day.spans, now.next)
      : hoursTexts.todayClosed(lang, day.spans, now.next);
  return { lines: [text, ...special], days: [today] };
}

/** "akhir pekan", "senin atau selasa": a line per day, then when it opens again if the last is closed. */
function severalDays(week: Week, asked: AskedDate[]): { lines: string[]; days: DayFound[] } {
  const { lang } = week;
  const days = asked.map(({ date, said }) => {
    const day = dayOf(week.calendar, date);
    const name = day.state === "holiday" ? nameIn(lang, day.name) : undefined;
    const line = hoursTexts.dayLine(lang, said, date, day.state === "open" ? day.spans : day.state, name);
    const found: DayFound =
      day.state === "open"
        ? { date, state: "open", hours: spanList(day.spans), ...dayExtras(lang, day) }
        : { date, state: day.state, ...dayExtras(lang, day) };
    return { line, found, open: day.state === "open" };
  });
  const last = days[days.length - 1]!;
  const next = last.open ? null : after(week, last.found.date);
  if (next) last.found.next = openingAt(next).next!;
  return {
    lines: [...days.map((d) => d.line), ...(next ? [hoursTexts.openAgain(lang, next)] : [])],
    days: days.map((d) => d.found),
  };
}

/**
 * The weekly table, Monday first (as Indonesian timetables are written), with the status now, the
 * holidays of the next two weeks (on days that would be open), and a period of special hours in
 * effect or starting within them.
 */
function table(week: Week, library: LibraryProfile): string[] {
  const { lang, calendar, clock } = week;
  const order = [...WEEKDAYS.slice(1), WEEKDAYS[0]];
  const lines = order.map((day) =>
    hoursTexts.tableLine(lang, day, calendar.imported.closedWeekdays.has(day) ? [] : calendar.weekly[day]),
  );
  const now = nowState(week);
  const status = now.open
    ? hoursTexts.openNow(lang, now.until)
    : hoursTexts.closedNow(lang, now.holiday, now.next, now.name);
  const horizon = Array.from({ length: COMING_HOLIDAY_DAYS }, (_, i) => addDays(clock.date, i));
  const coming = horizon.flatMap((date) => {
    const day = dayOf(calendar, date);
    const usuallyOpen =
      calendar.weekly[weekdayOf(date)].length > 0 && !calendar.imported.closedWeekdays.has(weekdayOf(date));
    if (day.state !== "holiday" || !usuallyOpen) return [];
    const name = nameIn(lang, day.name);
    return [name ? { date, name } : { date }];
  });
  const last = horizon[horizon.length - 1]!;
  const periods = calendar.exceptions
    .filter((e) => e.kind === "hours" && e.from <= last && e.to >= clock.date)
    .map((e) =>
      e.kind === "hours" ? hoursTexts.specialPeriod(lang, nameIn(lang, e.name), e.from, e.to, e.spans) : "",
    );
  return [
    hoursTexts.title(lang, library.name),
    ...lines,
    ...periods,
    "",
    status,
    ...(coming.length ? [hoursTexts.comingHolidays(lang, coming)] : []),
    hoursTexts.timeZoneNote(lang, library.timeZone),
  ];
}
