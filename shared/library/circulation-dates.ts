/**
 * SLiMS circulation's date rules, on calendar dates written `YYYY-MM-DD` (calendar arithmetic
 * and holiday calendars are in shared/time/calendar.ts).
 *
 * Sources mirrored: simbio_date::getNextDate / getNextDateNotHoliday / countHolidayBetween
 * and circulation::countOverdueValue (docs/slims.md).
 */
import {
  addDays,
  daysBetween,
  isHoliday,
  isIsoDate,
  minDate,
  type HolidayCalendar,
  type Weekday,
} from "../time/calendar";

/**
 * A date as read from MySQL with `dateStrings: true`: `YYYY-MM-DD` (or a DATETIME's date
 * part) → that date; NULL, empty, legacy zero dates (`0000-00-00`) and impossible dates → null.
 */
export function dateOrNull(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const day = value.slice(0, 10);
  return isIsoDate(day) ? day : null;
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
 * Due date of a loan made or renewed on `start` (docs/slims.md §2.4): start + period, moved
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
 * Fine-chargeable overdue days as of `today` (countOverdueValue, docs/slims.md §4):
 * - not after the due date → 0;
 * - strictly before due date + grace → 0 (no fine at all). On the day due + grace itself the
 *   loan is no longer in grace: simbio_date::compareDates returns null for equal dates, so
 *   countOverdueValue's "the later date is due + grace" test fails that day;
 * - otherwise every day after the due date counts (grace days are not deducted), minus
 *   the holidays between the due date and today inclusive when `ignoreHolidays` is on
 *   (never below 0).
 */
export function chargeableOverdueDays(dueDate: string | null, today: string, rules: OverdueRules): number {
  const late = daysLate(dueDate, today);
  if (dueDate === null || late < 1) return 0;
  let days = late;
  if (rules.ignoreHolidays) days = Math.max(0, late - countHolidaysBetween(dueDate, today, rules.calendar));
  if (rules.graceDays > 0 && today < addDays(dueDate, rules.graceDays)) return 0;
  return days;
}
