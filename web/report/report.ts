/**
 * The service report for the library head: per day, week or month (in the library's zone) and
 * channel — conversations, messages, the share the bot answered alone, handoffs, the first
 * librarian response time (median and 90th percentile, service-hours minutes only), handed-off
 * conversations nobody answered, renewals done and refused by reason, member links. Read-only.
 *
 * "Answered by the bot" = conversations that never went to the librarians' queue. A handoff's
 * response time runs from when it was queued to the first librarian message after it.
 */
import type { Sql } from "../../shared/db";
import type { HolidayCalendar } from "../../shared/time/calendar";
import type { WeeklyHours } from "../../shared/time/service-hours";
import { quantile, serviceMinutesBetween } from "./service-minutes";
import type { ServiceCalendar } from "../../shared/time/service-calendar";
import { serviceMinutesIn } from "../../shared/time/service-calendar-minutes";

export const PERIODS = ["day", "week", "month"] as const;
export type Period = (typeof PERIODS)[number];

export interface ReportRow {
  /** the bucket's first day, YYYY-MM-DD (weeks start on Monday) */
  bucket: string;
  channel: string;
  conversations: number;
  messages: number;
  /** 0..1; null when there were no conversations */
  botShare: number | null;
  handoffs: number;
  firstResponseMedianMin: number | null;
  firstResponseP90Min: number | null;
  /** handed off, and no librarian ever wrote (closed unanswered, or still waiting) */
  unanswered: number;
  renewalsDone: number;
  /** reason → count */
  renewalsRefused: Record<string, number>;
  links: number;
}

export interface ReportQuery {
  from: string;
  to: string;
  period: Period;
  timeZone: string;
  hours: WeeklyHours;
  calendar?: HolidayCalendar;
  /**
   * The library's service calendar (docs/calendar.md: weekly hours as edited in the console,
   * its own closed days and special hours, the library system's holidays); when given, response
   * minutes follow it and `hours`/`calendar` are not used.
   */
  serviceCalendar?: ServiceCalendar;
}

const bucketSql = (column: string) => `to_char(date_trunc($3, ${column} AT TIME ZONE $4), 'YYYY-MM-DD')`;
const RANGE = (column: string) =>
  `${column} >= ($1::date)::timestamp AT TIME ZONE $4 AND ${column} < ($2::date + 1)::timestamp AT TIME ZONE $4`;

export async function serviceReport(db: Sql, q: ReportQuery): Promise<ReportRow[]> {
  const params = [q.from, q.to, q.period, q.timeZone];
  const [conversations, messages, renewals, links] = await Promise.all([
    db.query<{
      bucket: string;
      channel: string;
      id: number;
      waiting_since: Date | null;
      first_reply: Date | null;
    }>(
      `SELECT ${bucketSql("c.opened_at")} AS bucket, c.channel, c.id, c.waiting_since,
              (SELECT min(m.created_at) FROM message m WHERE m.conversation_id = c.id AND m.author = 'librarian'
                 AND m.created_at >= c.waiting_since) AS first_reply
       FROM conversation c WHERE ${RANGE("c.opened_at")}`,
      params,
    ),
    db.query<{ bucket: string; channel: string; n: number }>(
      `SELECT ${bucketSql("created_at")} AS bucket, channel, count(*)::int AS n FROM message
       WHERE ${RANGE("created_at")} GROUP BY 1, 2`,
      params,
    ),
    db.query<{ bucket: string; channel: string; ok: boolean; reason: string | null; n: number }>(
      `SELECT ${bucketSql("at")} AS bucket, split_part(actor_id, ':', 1) AS channel,
              coalesce((detail -> 'result' ->> 'ok')::boolean, false) AS ok,
              detail -> 'result' ->> 'reason' AS reason, count(*)::int AS n
       FROM audit_event WHERE action = 'renewal' AND ${RANGE("at")} GROUP BY 1, 2, 3, 4`,
      params,
    ),
    db.query<{ bucket: string; channel: string; n: number }>(
      `SELECT ${bucketSql("at")} AS bucket, split_part(actor_id, ':', 1) AS channel, count(*)::int AS n
       FROM audit_event WHERE action = 'link' AND ${RANGE("at")} GROUP BY 1, 2`,
      params,
    ),
  ]);

  const rows = new Map<string, ReportRow & { waits: number[] }>();
  const row = (bucket: string, channel: string) => {
    const key = `${bucket}|${channel}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        bucket,
        channel,
        conversations: 0,
        messages: 0,
        botShare: null,
        handoffs: 0,
        firstResponseMedianMin: null,
        firstResponseP90Min: null,
        unanswered: 0,
        renewalsDone: 0,
        renewalsRefused: {},
        links: 0,
        waits: [],
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const c of conversations.rows) {
    const r = row(c.bucket, c.channel);
    r.conversations++;
    if (!c.waiting_since) continue;
    r.handoffs++;
    if (c.first_reply)
      r.waits.push(
        q.serviceCalendar
          ? serviceMinutesIn(c.waiting_since, c.first_reply, q.timeZone, q.serviceCalendar)
          : serviceMinutesBetween(c.waiting_since, c.first_reply, q.hours, q.timeZone, q.calendar),
      );
    else r.unanswered++;
  }
  for (const m of messages.rows) row(m.bucket, m.channel).messages += m.n;
  for (const x of renewals.rows) {
    const r = row(x.bucket, x.channel);
    if (x.ok) r.renewalsDone += x.n;
    else r.renewalsRefused[x.reason ?? "unknown"] = (r.renewalsRefused[x.reason ?? "unknown"] ?? 0) + x.n;
  }
  for (const l of links.rows) row(l.bucket, l.channel).links += l.n;

  return [...rows.values()]
    .map(({ waits, ...r }) => ({
      ...r,
      botShare: r.conversations ? (r.conversations - r.handoffs) / r.conversations : null,
      firstResponseMedianMin: round(quantile(waits, 0.5)),
      firstResponseP90Min: round(quantile(waits, 0.9)),
    }))
    .sort((a, b) => a.bucket.localeCompare(b.bucket) || a.channel.localeCompare(b.channel));
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
