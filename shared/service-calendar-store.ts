/**
 * The one reader and writer of the stored service calendar (`service_week`, `service_exception`):
 * the weekly hours an admin saved (none until then: LIBRARY_HOURS stands) and the library's own
 * dated exceptions. Every change is checked first (shared/time/service-calendar-input.ts) and
 * written with its audit event in one transaction, as the console's other staff actions are.
 */
import { recordAudit } from "./audit";
import type { Db, Sql } from "./db";
import { WEEKDAYS, type Weekday } from "./time/calendar";
import type { CalendarException } from "./time/service-calendar";
import {
  checkException,
  checkWeekly,
  type CalendarProblem,
  type CheckedException,
} from "./time/service-calendar-input";
import type { Span, WeeklyHours } from "./time/service-hours";

export interface StoredCalendar {
  /** null until an admin saves the weekly hours */
  weekly: WeeklyHours | null;
  exceptions: CalendarException[];
}

export type CalendarRefusal =
  { ok: false; error: "invalid"; problems: CalendarProblem[] } | { ok: false; error: "not_found" };
export type CalendarChange<T> = { ok: true; value: T } | CalendarRefusal;

type Pairs = Array<[number, number]>;
const toPairs = (spans: readonly Span[]): Pairs => spans.map((s) => [s.from, s.to]);
const fromPairs = (pairs: Pairs): Span[] => pairs.map(([from, to]) => ({ from, to }));

interface ExceptionRow {
  id: number;
  kind: "closed" | "hours";
  starts_on: string;
  ends_on: string;
  spans: Pairs | null;
  weekdays: Weekday[] | null;
  name_id: string | null;
  name_en: string | null;
}

function exceptionOf(r: ExceptionRow): CalendarException {
  const name = r.name_id || r.name_en ? { id: r.name_id ?? r.name_en!, en: r.name_en ?? r.name_id! } : null;
  return r.kind === "hours"
    ? {
        id: r.id,
        kind: "hours",
        from: r.starts_on,
        to: r.ends_on,
        spans: fromPairs(r.spans ?? []),
        weekdays: r.weekdays,
        name,
      }
    : { id: r.id, kind: "closed", from: r.starts_on, to: r.ends_on, name };
}

const audit = (sql: Sql, staffId: number, action: string, detail: Record<string, unknown>) =>
  recordAudit(sql, [
    { actorKind: "staff", actorId: String(staffId), action, subject: "service_calendar", detail },
  ]);

/** What an exception looks like in its audit event: what was set, by which dates. */
const described = (e: CheckedException | CalendarException) => ({
  kind: e.kind,
  from: e.from,
  to: e.to,
  ...(e.kind === "hours" ? { spans: toPairs(e.spans), weekdays: e.weekdays } : {}),
  ...(e.name ? { name: e.name } : {}),
});

export class ServiceCalendarStore {
  constructor(private readonly db: Db) {}

  async read(sql: Sql = this.db): Promise<StoredCalendar> {
    const [week, exceptions] = await Promise.all([
      sql.query<{ hours: Record<string, Pairs> }>(`SELECT hours FROM service_week WHERE id = 1`),
      sql.query<ExceptionRow>(
        `SELECT id, kind, starts_on, ends_on, spans, weekdays, name_id, name_en FROM service_exception
         ORDER BY starts_on, id`,
      ),
    ]);
    const stored = week.rows[0]?.hours;
    let weekly: WeeklyHours | null = null;
    if (stored) {
      const week = {} as Record<Weekday, readonly Span[]>;
      for (const d of WEEKDAYS) week[d] = fromPairs(stored[d] ?? []);
      weekly = Object.freeze(week);
    }
    return { weekly, exceptions: exceptions.rows.map(exceptionOf) };
  }

  /** Replace the weekly hours (the first save ends LIBRARY_HOURS's say over them). */
  async setWeekly(input: unknown, staffId: number): Promise<CalendarChange<WeeklyHours>> {
    const checked = checkWeekly(input);
    if (!checked.ok) return { ok: false, error: "invalid", problems: checked.problems };
    const hours = Object.fromEntries(WEEKDAYS.map((d) => [d, toPairs(checked.value[d])]));
    await this.db.transaction(async (tx) => {
      const before = await tx.query<{ hours: unknown }>(
        `SELECT hours FROM service_week WHERE id = 1 FOR UPDATE`,
      );
      await tx.query(
        `INSERT INTO service_week (id, hours, updated_by, updated_at) VALUES (1, $1, $2, now())
         ON CONFLICT (id) DO UPDATE SET hours = EXCLUDED.hours, updated_by = EXCLUDED.updated_by,
           updated_at = EXCLUDED.updated_at`,
        [JSON.stringify(hours), staffId],
      );
      await audit(tx, staffId, "calendar.weekly_set", { hours, before: before.rows[0]?.hours ?? null });
    });
    return { ok: true, value: checked.value };
  }

  async addException(input: unknown, staffId: number): Promise<CalendarChange<CalendarException>> {
    return this.db.transaction(async (tx) => {
      // One change at a time: two admins adding overlapping ranges at once must not both pass.
      await tx.query(`LOCK TABLE service_exception IN SHARE ROW EXCLUSIVE MODE`);
      const { exceptions } = await this.read(tx);
      const checked = checkException(input, exceptions);
      if (!checked.ok) return { ok: false, error: "invalid", problems: checked.problems };
      const e = checked.value;
      const { rows } = await tx.query<ExceptionRow>(
        `INSERT INTO service_exception (kind, starts_on, ends_on, spans, weekdays, name_id, name_en, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, kind, starts_on, ends_on, spans, weekdays, name_id, name_en`,
        [
          e.kind,
          e.from,
          e.to,
          e.kind === "hours" ? JSON.stringify(toPairs(e.spans)) : null,
          e.kind === "hours" && e.weekdays ? JSON.stringify(e.weekdays) : null,
          e.name?.id ?? null,
          e.name?.en ?? null,
          staffId,
        ],
      );
      const added = exceptionOf(rows[0]!);
      await audit(tx, staffId, "calendar.exception_added", { id: added.id, ...described(added) });
      return { ok: true, value: added };
    });
  }

  async removeException(id: number, staffId: number): Promise<CalendarChange<{ id: number }>> {
    if (!Number.isSafeInteger(id) || id <= 0) return { ok: false, error: "not_found" };
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<ExceptionRow>(
        `DELETE FROM service_exception WHERE id = $1
         RETURNING id, kind, starts_on, ends_on, spans, weekdays, name_id, name_en`,
        [id],
      );
      if (!rows[0]) return { ok: false, error: "not_found" } as const;
      await audit(tx, staffId, "calendar.exception_removed", { id, ...described(exceptionOf(rows[0])) });
      return { ok: true, value: { id } } as const;
    });
  }
}
