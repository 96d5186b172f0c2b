/**
 * The library's service calendar, resolved: weekly service hours, the library's own dated
 * exceptions (a closed day with a name, or other hours for a date range such as Ramadan), and the
 * library system's holidays (SLiMS `holiday`: dated holidays and weekly closing days). Pure: what
 * one calendar day is, the first opening after a moment, open at an instant. Stored and read by
 * shared/service-calendar-store.ts; docs/calendar.md says what wins over what.
 *
 * Precedence for a date: the library's own exception (a closed day before other hours) → the
 * library system's dated holiday → its weekly closing day → the weekly hours. So a library that keeps the library open on a SLiMS
 * holiday (or sets Ramadan hours on a day SLiMS closes) adds an exception for it, and it wins.
 */
import { addDays, daysBetween, weekdayOf, type HolidayCalendar, type Weekday } from "./calendar";
import type { Opening } from "./day-hours";
import type { OpenState, Span, WeeklyHours } from "./service-hours";
import { localClock } from "./zone";

/** A holiday's or a period's name, in both languages the bot speaks. */
export interface CalendarName {
  id: string;
  en: string;
}

/** A dated exception the library set itself (the console's calendar), `from`..`to` inclusive. */
export type CalendarException =
  | { id: number; kind: "closed"; from: string; to: string; name: CalendarName | null }
  | {
      id: number;
      kind: "hours";
      from: string;
      to: string;
      spans: readonly Span[];
      /** the weekdays of the range these hours apply to (null: every day); other days are as usual */
      weekdays: readonly Weekday[] | null;
      name: CalendarName | null;
    };

export interface ServiceCalendar {
  weekly: WeeklyHours;
  /** the library's own exceptions; two of one kind never overlap (the store refuses it) */
  exceptions: readonly CalendarException[];
  /** the library system's holidays (SLiMS), imported as they are read */
  imported: HolidayCalendar;
}

export type ServiceDay =
  | {
      state: "open";
      spans: readonly Span[];
      /** the library's exception that set these hours (Ramadan hours), absent on an ordinary day */
      special?: { name: CalendarName | null; from: string; to: string };
    }
  /** no service hours that weekday, or a weekly closing day of the library system */
  | { state: "closed" }
  /** a dated closing: the library's own (with its name, when it gave one) or the library system's */
  | { state: "holiday"; name: CalendarName | null; source: "library" | "library_system" };

/**
 * The library's own exception that applies on `date`, if any: a closed day before other hours, so
 * a holiday inside the Ramadan period (Nyepi) closes that one day without splitting the period.
 */
export function exceptionOn(calendar: ServiceCalendar, date: string): CalendarException | undefined {
  const on = calendar.exceptions.filter(
    (e) =>
      e.from <= date &&
      date <= e.to &&
      (e.kind === "closed" || e.weekdays === null || e.weekdays.includes(weekdayOf(date))),
  );
  return on.find((e) => e.kind === "closed") ?? on[0];
}

/** What `date` is in the calendar (see the precedence at the top). */
export function dayOf(calendar: ServiceCalendar, date: string): ServiceDay {
  const own = exceptionOn(calendar, date);
  if (own?.kind === "closed") return { state: "holiday", name: own.name, source: "library" };
  if (own?.kind === "hours")
    return { state: "open", spans: own.spans, special: { name: own.name, from: own.from, to: own.to } };
  if (calendar.imported.dates.has(date)) return { state: "holiday", name: null, source: "library_system" };
  const weekday = weekdayOf(date);
  const spans = calendar.weekly[weekday];
  if (calendar.imported.closedWeekdays.has(weekday) || spans.length === 0) return { state: "closed" };
  return { state: "open", spans };
}

/** The spans the library is open on `date` (none on a closed day or a holiday). */
export function spansOn(calendar: ServiceCalendar, date: string): readonly Span[] {
  const day = dayOf(calendar, date);
  return day.state === "open" ? day.spans : [];
}

/** How far ahead to look: past a long holiday (Lebaran), not for ever. */
const LOOKAHEAD_DAYS = 60;

/**
 * The first opening strictly after minute `afterMinute` of `date` (null: after the whole day), as
 * seen from `today`; null when there is none within 60 days.
 */
export function nextOpeningIn(
  calendar: ServiceCalendar,
  from: { date: string; afterMinute: number | null },
  today: string,
): Opening | null {
  for (let ahead = 0; ahead <= LOOKAHEAD_DAYS; ahead++) {
    const date = addDays(from.date, ahead);
    const spans = spansOn(calendar, date);
    const span =
      ahead > 0
        ? spans[0]
        : from.afterMinute === null
          ? undefined
          : spans.find((s) => s.from > from.afterMinute!);
    if (span) return { date, weekday: weekdayOf(date), from: span.from, daysAhead: daysBetween(today, date) };
  }
  return null;
}

/** Open at `at` (until when), or when next: the shape shared/time/service-hours.ts `openState` gives. */
export function openStateIn(calendar: ServiceCalendar, at: Date, timeZone: string): OpenState {
  const now = localClock(at, timeZone);
  const current = spansOn(calendar, now.date).find((s) => s.from <= now.minutes && now.minutes < s.to);
  if (current) return { open: true, closesAt: current.to };
  const next = nextOpeningIn(calendar, { date: now.date, afterMinute: now.minutes }, now.date);
  return { open: false, next };
}

/** The calendar of weekly hours alone (LIBRARY_HOURS before anything is stored, no holidays known). */
export function weeklyOnly(weekly: WeeklyHours, imported: HolidayCalendar): ServiceCalendar {
  return { weekly, exceptions: [], imported };
}

/** Weekdays the library system closes every week (SLiMS `holiday` rows with a day name, no date). */
export function importedClosedWeekdays(calendar: ServiceCalendar): Weekday[] {
  return [...calendar.imported.closedWeekdays];
}
