/**
 * The clock questions, answered on the wall clock of the library's time zone (an IANA name such as
 * Asia/Jakarta, validated once in config). The zone is always passed in: nothing here defaults it.
 *
 * Intl.DateTimeFormat is costly to build (it showed up at 6.6 % of the relay's CPU when built per
 * message), so one formatter per zone is kept.
 */
import { assertIsoDate, type Weekday } from "./calendar";

/** Is `value` a time zone this runtime knows? */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Throws a RangeError naming the zone when `timeZone` is not a time zone this runtime knows. */
export function assertTimeZone(timeZone: string): string {
  if (!isTimeZone(timeZone))
    throw new RangeError(`unknown time zone "${timeZone}" (use an IANA name such as Asia/Jakarta)`);
  return timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export interface LocalClock {
  weekday: Weekday;
  /** YYYY-MM-DD */
  date: string;
  /** minutes after local midnight */
  minutes: number;
}

/** Weekday, date and minute of the day of `at` on the wall clock of `timeZone`. */
export function localClock(at: Date, timeZone: string): LocalClock {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    weekday: get("weekday").toLowerCase().slice(0, 3) as Weekday,
    date: assertIsoDate(`${get("year")}-${get("month")}-${get("day")}`, "local date"),
    minutes: Number(get("hour")) * 60 + Number(get("minute")),
  };
}

/**
 * `at` as `YYYY-MM-DD HH:MM:SS` on the wall clock of `timeZone`: what PHP's
 * `date("Y-m-d H:i:s")` writes in that zone (a MySQL DATETIME, which holds no zone).
 */
export function localDateTime(at: Date, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const date = assertIsoDate(`${get("year")}-${get("month")}-${get("day")}`, "local date");
  return `${date} ${get("hour")}:${get("minute")}:${get("second")}`;
}

/** Today's date (YYYY-MM-DD) on the wall clock of `timeZone`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return localClock(now, timeZone).date;
}
