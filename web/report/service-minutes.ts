/**
 * Minutes between two moments that fall within the library's service hours: a librarian's first
 * response time counts only the time the library was open (a question left on Saturday evening
 * and answered Monday at 08:05 waited 5 minutes). Weekly hours, minus the library's holidays.
 */
import { isHoliday, NO_HOLIDAYS, WEEKDAYS, type HolidayCalendar } from "../../shared/time/calendar";
import type { WeeklyHours } from "../../shared/time/service-hours";
import { localClock } from "../../shared/time/zone";

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** A moment as minutes on the library's wall clock since 1970-01-01 00:00 local. */
function wallMinutes(at: Date, timeZone: string): number {
  const c = localClock(at, timeZone);
  return dayNumber(c.date) * 1440 + c.minutes + at.getUTCSeconds() / 60;
}

export function serviceMinutesBetween(
  from: Date,
  to: Date,
  hours: WeeklyHours,
  timeZone: string,
  calendar: HolidayCalendar = NO_HOLIDAYS,
): number {
  if (to <= from) return 0;
  const a = wallMinutes(from, timeZone);
  const b = wallMinutes(to, timeZone);
  let total = 0;
  for (let day = Math.floor(a / 1440); day <= Math.floor(b / 1440); day++) {
    const date = dateOf(day);
    if (isHoliday(date, calendar)) continue;
    // 1970-01-01 was a Thursday
    const weekday = WEEKDAYS[(day + 4) % 7]!;
    for (const span of hours[weekday]) {
      const lo = Math.max(a, day * 1440 + span.from);
      const hi = Math.min(b, day * 1440 + span.to);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** The q-quantile (0..1) of `values` (nearest rank); null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
