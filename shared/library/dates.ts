/**
 * Pure date rules of SLiMS circulation, on calendar dates written `YYYY-MM-DD`.
 *
 * A date is turned into a day number (days since 1970-01-01, computed with Date.UTC) for
 * arithmetic, so no local-time or daylight-saving trap can shift a day. "Today" is the
 * only clock question and is answered in the library's time zone (slims-facts §1: PHP's
 * local date in config('timezone'), default Asia/Jakarta).
 *
 * Sources mirrored: simbio_date::getNextDate / getNextDateNotHoliday / countHolidayBetween
 * and circulation::countOverdueValue (slims-facts §2 and §4).
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Weekly closing days and dated holidays, as read from SLiMS's `holiday` table. */
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

/**
 * A date as read from MySQL with `dateStrings: true`: `YYYY-MM-DD` (or a DATETIME's date
 * part) → that date; NULL, empty, legacy zero dates (`0000-00-00`) and impossible dates → null.
 */
export function dateOrNull(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const day = value.slice(0, 10);
  return isIsoDate(day) ? day : null;
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

// prettier-ignore
const DAY_ALIASES: Readonly<Record<string, Weekday>> = {
  sun: "sun", sunday: "sun", minggu: "sun", ahad: "sun",
  mon: "mon", monday: "mon", senin: "mon",
  tue: "tue", tues: "tue", tuesday: "tue", selasa: "tue",
  wed: "wed", wednesday: "wed", rabu: "wed",
  thu: "thu", thur: "thu", thurs: "thu", thursday: "thu", kamis: "thu",
  fri: "fri", friday: "fri", jumat: "fri", "jum'at": "fri",
  sat: "sat", saturday: "sat", sabtu: "sat",
};

/** `sun`, `Sun`, `SUNDAY`, `Minggu` → `sun`; anything else → null. */
export function weekdayFromName(name: string | null | undefined): Weekday | null {
  if (!name) return null;
  return DAY_ALIASES[name.trim().toLowerCase()] ?? null;
}

/** Builds a calendar from `holiday` rows: NULL date = weekly closing day by name; a date = that day. */
export function holidayCalendar(
  rows: ReadonlyArray<{ dayname: string | null; date: string | null }>,
): HolidayCalendar {
  const closedWeekdays = new Set<Weekday>();
  const dates = new Set<string>();
  for (const row of rows) {
    if (row.date === null) {
      const day = weekdayFromName(row.dayname);
      if (day) closedWeekdays.add(day);
    } else if (isIsoDate(row.date)) {
      dates.add(row.date);
    }
  }
  return { closedWeekdays, dates };
}

export function isHoliday(date: string, calendar: HolidayCalendar): boolean {
  return calendar.dates.has(date) || calendar.closedWeekdays.has(weekdayOf(date));
}

/**
 * simbio_date::getNextDateNotHoliday: `date` itself if it is open, else the first later day
 * that is neither a dated holiday nor a weekly closing day. If every weekday is a closing
 * day there is no such day (SLiMS would recurse forever); the date is then returned as is.
 */
export function nextDateNotHoliday(date: string, calendar: HolidayCalendar): string {
  if (calendar.closedWeekdays.size >= 7) return date;
  let day = date;
  // Dated holidays are finite, so this ends; the bound only guards against absurd tables.
  for (let i = 0; i < 20_000 && isHoliday(day, calendar); i++) day = addDays(day, 1);
  return day;
}

/** simbio_date::countHolidayBetween: holidays from `from` to `to`, both ends included. */
export function countHolidaysBetween(from: string, to: string, calendar: HolidayCalendar): number {
  let count = 0;
  for (let day = from; day <= to; day = addDays(day, 1)) if (isHoliday(day, calendar)) count++;
  return count;
}

/**
 * Due date of a loan made or renewed on `start` (slims-facts §2.4): start + period, moved
 * forward past closing days and holidays, then capped at the membership's expiry date
 * (the cap is not holiday-adjusted). A period below 1 keeps the start date, as getNextDate.
 */
export function dueDateFor(
  start: string,
  loanPeriodDays: number,
  calendar: HolidayCalendar,
  expireDate: string | null,
): string {
  const due = nextDateNotHoliday(addDays(start, Math.max(0, loanPeriodDays)), calendar);
  return expireDate === null ? due : minDate(due, expireDate);
}

export interface OverdueRules {
  /** The largest grace period that applies (member type, or the loan's rule): either counts. */
  graceDays: number;
  /** `ignore_holidays_fine_calc`: subtract holidays between the due date and today, inclusive. */
  ignoreHolidays: boolean;
  calendar: HolidayCalendar;
}

/** Calendar days `today` is past `dueDate` (0 when not late or the due date is unknown). */
export function daysLate(dueDate: string | null, today: string): number {
  return dueDate === null ? 0 : Math.max(0, daysBetween(dueDate, today));
}

/**
 * Fine-chargeable overdue days as of `today` (countOverdueValue, slims-facts §4):
 * - not after the due date → 0;
 * - on or before due date + grace → 0 (no fine at all);
 * - otherwise every day after the due date counts (grace days are not deducted), minus
 *   the holidays between the due date and today inclusive when `ignoreHolidays` is on
 *   (never below 0).
 */
export function chargeableOverdueDays(dueDate: string | null, today: string, rules: OverdueRules): number {
  const late = daysLate(dueDate, today);
  if (dueDate === null || late < 1) return 0;
  let days = late;
  if (rules.ignoreHolidays) days = Math.max(0, late - countHolidaysBetween(dueDate, today, rules.calendar));
  if (rules.graceDays > 0 && today <= addDays(dueDate, rules.graceDays)) return 0;
  return days;
}

/** Today's date on the wall clock of `timeZone` (an IANA name such as Asia/Jakarta). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return assertIsoDate(`${get("year")}-${get("month")}-${get("day")}`, "today");
}

/** Throws a RangeError naming the zone when `timeZone` is not a time zone this runtime knows. */
export function assertTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}" (use an IANA name such as Asia/Jakarta)`);
  }
  return timeZone;
}
