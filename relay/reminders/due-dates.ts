/**
 * Which reminder a loan gets today, if any: a pure function of its due date, today (both
 * YYYY-MM-DD in LIBRARY_TIMEZONE) and REMINDER_DAYS_BEFORE. `before:<n>` n days ahead, `overdue`
 * on the first day after the due date, nothing otherwise (a loan without a due date: nothing).
 */
import { daysBetween } from "../../shared/time/calendar";

export type ReminderKind = `before:${number}` | "overdue";

export function reminderKind(
  dueDate: string | null,
  today: string,
  daysBefore: readonly number[],
): ReminderKind | null {
  if (dueDate === null) return null;
  const left = daysBetween(today, dueDate);
  if (left === -1) return "overdue";
  return daysBefore.includes(left) ? `before:${left}` : null;
}

/** The days of a `before:<n>` kind (null for `overdue`). */
export function daysOf(kind: ReminderKind): number | null {
  return kind === "overdue" ? null : Number(kind.slice("before:".length));
}
