/**
 * Minutes between two moments that fall within the library's service hours, by the service
 * calendar (shared/time/service-calendar.ts): the weekly hours, the library's own exceptions
 * (a holiday counts nothing, Ramadan hours count their own spans) and the library system's
 * holidays. For the service report's response times: a question left on Saturday evening and
 * answered Monday at 08:05 waited 5 minutes.
 *
 * Drop-in for web/report/service-minutes.ts `serviceMinutesBetween(from, to, hours, zone, holidays)`:
 * `serviceMinutesIn(from, to, zone, calendar)`, with the calendar from
 * `ServiceCalendarReader.current()` (shared/service-calendar-reader.ts).
 */
import type { ServiceCalendar } from "./service-calendar";
import { spansOn } from "./service-calendar";
import { localClock } from "./zone";

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** A moment as minutes on the library's wall clock since 1970-01-01 00:00 local. */
function wallMinutes(at: Date, timeZone: string): number {
  const c = localClock(at, timeZone);
  return dayNumber(c.date) * 1440 + c.minutes + at.getUTCSeconds() / 60;
}

export function serviceMinutesIn(from: Date, to: Date, timeZone: string, calendar: ServiceCalendar): number {
  if (to <= from) return 0;
  const a = wallMinutes(from, timeZone);
  const b = wallMinutes(to, timeZone);
  let total = 0;
  for (let day = Math.floor(a / 1440); day <= Math.floor(b / 1440); day++) {
    for (const span of spansOn(calendar, dateOf(day))) {
      const lo = Math.max(a, day * 1440 + span.from);
      const hi = Math.min(b, day * 1440 + span.to);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}
