/**
 * The service calendar as the console shows it (web/console/public/js/views/calendar.js): times
 * as `HH:MM`, the library's own exceptions, and what the library system (SLiMS `holiday`) adds,
 * marked where one of the library's exceptions wins on the same date.
 */
import type { CalendarReading } from "../../shared/service-calendar-reader";
import { addDays, WEEKDAYS, type Weekday } from "../../shared/time/calendar";
import { exceptionOn, type CalendarName } from "../../shared/time/service-calendar";
import type { CalendarProblem } from "../../shared/time/service-calendar-input";
import { formatMinutes, type Span } from "../../shared/time/service-hours";
import type { ConsoleErrorCode } from "./events";

export interface SpanView {
  from: string;
  to: string;
}

export interface ExceptionView {
  id: number;
  kind: "closed" | "hours";
  from: string;
  to: string;
  spans: SpanView[];
  weekdays: Weekday[] | null;
  name: CalendarName | null;
}

export interface CalendarView {
  weekly: Record<Weekday, SpanView[]>;
  /** where the weekly hours come from: saved in the console, or still LIBRARY_HOURS */
  weeklyFrom: "console" | "LIBRARY_HOURS";
  exceptions: ExceptionView[];
  imported: {
    /** the library system answered (false: failed or slow; its holidays are not shown) */
    known: boolean;
    closedWeekdays: Weekday[];
    /** its dated holidays of the year before and the year after today (the report looks back) */
    dates: Array<{ date: string; overridden: boolean }>;
  };
  /** the library's wall-clock date today */
  today: string;
  canEdit: boolean;
}

/** A calendar request's answer: the calendar after it, or why not (`problems` for a refused input). */
export type CalendarResult =
  | { ok: true; calendar: CalendarView }
  | { ok: false; error: "invalid"; problems: CalendarProblem[] }
  | { ok: false; error: ConsoleErrorCode };
export type CalendarAck = (result: CalendarResult) => void;

const spanViews = (spans: readonly Span[]): SpanView[] =>
  spans.map((s) => ({ from: formatMinutes(s.from), to: formatMinutes(s.to) }));

const YEAR = 366;

export function calendarView(reading: CalendarReading, today: string, canEdit: boolean): CalendarView {
  const { calendar } = reading;
  const weekly = {} as Record<Weekday, SpanView[]>;
  for (const d of WEEKDAYS) weekly[d] = spanViews(calendar.weekly[d]);
  const first = addDays(today, -YEAR);
  const last = addDays(today, YEAR);
  return {
    weekly,
    weeklyFrom: reading.weeklyStored ? "console" : "LIBRARY_HOURS",
    exceptions: calendar.exceptions.map((e) => ({
      id: e.id,
      kind: e.kind,
      from: e.from,
      to: e.to,
      spans: e.kind === "hours" ? spanViews(e.spans) : [],
      weekdays: e.kind === "hours" && e.weekdays ? [...e.weekdays] : null,
      name: e.name,
    })),
    imported: {
      known: reading.importedKnown,
      closedWeekdays: WEEKDAYS.filter((d) => calendar.imported.closedWeekdays.has(d)),
      dates: [...calendar.imported.dates]
        .filter((d) => d >= first && d <= last)
        .sort()
        .map((date) => ({ date, overridden: exceptionOn(calendar, date) !== undefined })),
    },
    today,
    canEdit,
  };
}
