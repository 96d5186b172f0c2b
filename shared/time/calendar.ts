/**
 * Calendar dates written `YYYY-MM-DD`, weekdays, and holiday calendars: pure arithmetic, no clock.
 *
 * A date is turned into a day number (days since 1970-01-01, computed with Date.UTC) for
 * arithmetic, so no local-time or daylight-saving trap can shift a day. The one clock question,
 * "what is the date now in the library's zone", is answered in ./zone.ts.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Weekly closing days and dated holidays (SLiMS keeps them in its `holiday` table). */
export interface HolidayCalendar {
  readonly closedWeekdays: ReadonlySet<Weekday>;
  readonly dates: ReadonlySet<string>;
}

export const NO_HOLIDAYS: HolidayCalendar = Object.freeze({
  closedWeekdays: new Set<Weekday>(),
  dates: new Set<string>(),
});

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Is `value` a real calendar date in `YYYY-MM-DD` form (not `0000-00-00`, not `2025-02-30`)? */
export function isIsoDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const back = new Date(Date.UTC(y, mo - 1, d));
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
}

/** Throws on anything but a valid `YYYY-MM-DD` (a programming error, not an expected outcome). */
export function assertIsoDate(value: string, what = "date"): string {
  if (!isIsoDate(value)) throw new TypeError(`${what} must be a YYYY-MM-DD calendar date, got "${value}"`);
  return value;
}

function toDayNumber(date: string): number {
  const m = DATE_RE.exec(assertIsoDate(date));
  return Date.UTC(Number(m![1]), Number(m![2]) - 1, Number(m![3])) / DAY_MS;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + Math.trunc(days));
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function weekdayOf(date: string): Weekday {
  // 1970-01-01 (day 0) was a Thursday.
  return WEEKDAYS[(((toDayNumber(date) + 4) % 7) + 7) % 7]!;
}

/** The earlier of two dates. */
export function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}

export function isHoliday(date: string, calendar: HolidayCalendar): boolean {
  return calendar.dates.has(date) || calendar.closedWeekdays.has(weekdayOf(date));
}
