/**
 * What an admin sends to change the service calendar, checked before anything is stored: weekly
 * hours (several spans a day) and a dated exception. A refusal is a result with stable codes
 * (`problems`), not an exception: a typo is an expected outcome, and the console shows each
 * problem next to the field it names.
 *
 * Times are `HH:MM` on the library's wall clock, 00:00..24:00 (24:00 only as an end); dates
 * `YYYY-MM-DD` in the library's zone, `from`..`to` inclusive.
 */
import { isIsoDate, WEEKDAYS, type Weekday } from "./calendar";
import type { CalendarName } from "./service-calendar";
import type { Span, WeeklyHours } from "./service-hours";

export const CALENDAR_PROBLEMS = [
  /** not a time, or past 24:00 / a minute past 59 ("25:00", "8.00") */
  "bad_time",
  /** a span that ends before (or when) it starts ("16:00–08:00") */
  "span_backwards",
  /** two spans of one day that overlap ("08:00–12:00" and "11:00–14:00") */
  "spans_overlap",
  /** more spans in a day than anyone needs (a pasted mistake) */
  "too_many_spans",
  /** not a real calendar date */
  "bad_date",
  /** a date range that ends before it starts */
  "range_backwards",
  /** a range longer than a year */
  "range_too_long",
  /** exception kind other than "closed" or "hours" */
  "bad_kind",
  /** other hours with no span at all (that is a closed day: use "closed") */
  "no_spans",
  /** a name longer than 120 characters, or only one of its two languages */
  "bad_name",
  /** overlaps a stored exception of the same kind (remove that one first); a closed day may lie inside other hours */
  "exception_overlaps",
  /** the weekly hours are not an object of weekdays */
  "bad_week",
  /** other hours limited to weekdays, but the list is empty or names no weekday */
  "bad_weekdays",
] as const;
export type CalendarProblemCode = (typeof CALENDAR_PROBLEMS)[number];

export interface CalendarProblem {
  code: CalendarProblemCode;
  /** where: "mon.1.to", "from", "name" */
  field: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: CalendarProblem[] };

/** A span as the console sends it. */
export interface SpanInput {
  from: string;
  to: string;
}

export interface ExceptionInput {
  kind: "closed" | "hours";
  from: string;
  to: string;
  spans?: SpanInput[];
  /** other hours only on these weekdays of the range (absent or null: every day) */
  weekdays?: string[] | null;
  name?: { id?: string; en?: string } | null;
}

export type CheckedException =
  | { kind: "closed"; from: string; to: string; name: CalendarName | null }
  | {
      kind: "hours";
      from: string;
      to: string;
      spans: readonly Span[];
      weekdays: readonly Weekday[] | null;
      name: CalendarName | null;
    };

const MAX_SPANS = 6;
const MAX_NAME = 120;
const MAX_RANGE_DAYS = 366;

/** "08:00" → 480; "24:00" → 1440 (only `end` allows it); anything else → null. */
export function parseTime(value: unknown, end: boolean): number | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return null;
  const total = h * 60 + min;
  if (h > 24 || total > 1440 || (total === 1440 && !end)) return null;
  return total;
}

function checkSpans(input: unknown, where: string, problems: CalendarProblem[]): Span[] {
  if (!Array.isArray(input)) {
    problems.push({ code: "bad_week", field: where });
    return [];
  }
  if (input.length > MAX_SPANS) problems.push({ code: "too_many_spans", field: where });
  const spans: Span[] = [];
  input.forEach((raw: unknown, i) => {
    const span = (raw ?? {}) as Partial<SpanInput>;
    const from = parseTime(span.from, false);
    const to = parseTime(span.to, true);
    if (from === null) problems.push({ code: "bad_time", field: `${where}.${i}.from` });
    if (to === null) problems.push({ code: "bad_time", field: `${where}.${i}.to` });
    if (from === null || to === null) return;
    if (to <= from) return void problems.push({ code: "span_backwards", field: `${where}.${i}` });
    spans.push({ from, to });
  });
  spans.sort((a, b) => a.from - b.from);
  for (let i = 1; i < spans.length; i++)
    if (spans[i]!.from < spans[i - 1]!.to) problems.push({ code: "spans_overlap", field: where });
  return spans;
}

/** The weekly hours: every weekday a list of spans (a weekday left out is closed). */
export function checkWeekly(input: unknown): Checked<WeeklyHours> {
  const problems: CalendarProblem[] = [];
  if (!input || typeof input !== "object" || Array.isArray(input))
    return { ok: false, problems: [{ code: "bad_week", field: "week" }] };
  const raw = input as Record<string, unknown>;
  const unknownDay = Object.keys(raw).find((k) => !WEEKDAYS.includes(k as Weekday));
  if (unknownDay) problems.push({ code: "bad_week", field: unknownDay });
  const week = {} as Record<Weekday, readonly Span[]>;
  for (const day of WEEKDAYS) week[day] = raw[day] === undefined ? [] : checkSpans(raw[day], day, problems);
  return problems.length ? { ok: false, problems } : { ok: true, value: Object.freeze(week) };
}

function checkName(input: ExceptionInput["name"], problems: CalendarProblem[]): CalendarName | null {
  if (input === null || input === undefined) return null;
  const id = typeof input.id === "string" ? input.id.trim() : "";
  const en = typeof input.en === "string" ? input.en.trim() : "";
  if (!id && !en) return null;
  // One language alone serves both: a holiday's name is often the same word ("Nyepi").
  if (id.length > MAX_NAME || en.length > MAX_NAME) problems.push({ code: "bad_name", field: "name" });
  return { id: id || en, en: en || id };
}

/** A dated exception; `existing` are the library's stored ones (an overlap with one of its kind is refused). */
export function checkException(
  input: unknown,
  existing: ReadonlyArray<{ kind: string; from: string; to: string }>,
): Checked<CheckedException> {
  const problems: CalendarProblem[] = [];
  const raw = (input ?? {}) as Partial<ExceptionInput>;
  const from = typeof raw.from === "string" ? raw.from.trim() : "";
  const to = typeof raw.to === "string" && raw.to.trim() ? raw.to.trim() : from;
  if (!isIsoDate(from)) problems.push({ code: "bad_date", field: "from" });
  if (!isIsoDate(to)) problems.push({ code: "bad_date", field: "to" });
  if (isIsoDate(from) && isIsoDate(to)) {
    if (to < from) problems.push({ code: "range_backwards", field: "to" });
    else if (Date.parse(to) - Date.parse(from) > MAX_RANGE_DAYS * 86_400_000)
      problems.push({ code: "range_too_long", field: "to" });
    else if (existing.some((e) => e.kind === raw.kind && e.from <= to && from <= e.to))
      problems.push({ code: "exception_overlaps", field: "from" });
  }
  const name = checkName(raw.name, problems);
  if (raw.kind !== "closed" && raw.kind !== "hours") {
    problems.push({ code: "bad_kind", field: "kind" });
    return { ok: false, problems };
  }
  if (raw.kind === "closed")
    return problems.length
      ? { ok: false, problems }
      : { ok: true, value: { kind: "closed", from, to, name } };
  const spans = Array.isArray(raw.spans) ? checkSpans(raw.spans, "spans", problems) : [];
  if (!Array.isArray(raw.spans) || raw.spans.length === 0)
    problems.push({ code: "no_spans", field: "spans" });
  let weekdays: Weekday[] | null = null;
  if (raw.weekdays !== undefined && raw.weekdays !== null) {
    const list = Array.isArray(raw.weekdays) ? raw.weekdays : [];
    weekdays = WEEKDAYS.filter((d) => list.includes(d));
    if (weekdays.length === 0 || weekdays.length !== new Set(list).size)
      problems.push({ code: "bad_weekdays", field: "weekdays" });
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, value: { kind: "hours", from, to, spans, weekdays, name } };
}
