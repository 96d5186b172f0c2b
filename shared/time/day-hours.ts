/**
 * The service hours of one calendar day, and the first opening after a moment: the weekly hours
 * (LIBRARY_HOURS) minus the library system's weekly closing days and dated holidays. Pure; the
 * "now" question (open at this instant?) is ./service-hours.ts `openState`.
 */
import { addDays, daysBetween, weekdayOf, type HolidayCalendar, type Weekday } from "./calendar";
import type { Span, WeeklyHours } from "./service-hours";

export type DayHours =
  | { state: "open"; spans: readonly Span[] }
  /** no service hours that weekday, or a weekly closing day of the library system */
  | { state: "closed" }
  /** a dated holiday of the library system (SLiMS `holiday`), whatever the weekday */
  | { state: "holiday" };

export function hoursOn(date: string, hours: WeeklyHours, calendar: HolidayCalendar): DayHours {
  if (calendar.dates.has(date)) return { state: "holiday" };
  const weekday = weekdayOf(date);
  if (calendar.closedWeekdays.has(weekday) || hours[weekday].length === 0) return { state: "closed" };
  return { state: "open", spans: hours[weekday] };
}

export interface Opening {
  date: string;
  weekday: Weekday;
  /** minute of the day */
  from: number;
  /** calendar days after the `today` given */
  daysAhead: number;
}

/** How far ahead to look: past a long holiday (Lebaran), not for ever. */
const LOOKAHEAD_DAYS = 60;

/**
 * The first opening strictly after minute `afterMinute` of `date` (null: after the whole day), as
 * seen from `today`; null when there is none within 60 days.
 */
export function nextOpening(
  hours: WeeklyHours,
  calendar: HolidayCalendar,
  from: { date: string; afterMinute: number | null },
  today: string,
): Opening | null {
  for (let ahead = 0; ahead <= LOOKAHEAD_DAYS; ahead++) {
    const date = addDays(from.date, ahead);
    const day = hoursOn(date, hours, calendar);
    if (day.state !== "open") continue;
    const span =
      ahead > 0
        ? day.spans[0]
        : from.afterMinute === null
          ? undefined
          : day.spans.find((s) => s.from > from.afterMinute!);
    if (span) return { date, weekday: weekdayOf(date), from: span.from, daysAhead: daysBetween(today, date) };
  }
  return null;
}
