/**
 * The one writer of audit events: who did what to which record (links, failed attempts,
 * renewals; later logins, claims, exports). Append-only.
 */
import type { Sql } from "./db";

export interface AuditEntry {
  actorKind: "patron" | "staff" | "system";
  actorId: string | null;
  /** e.g. "link", "link_failed", "unlink", "renewal", "renewal_refused" */
  action: string;
  /** the record acted on, e.g. "member:2021110001" or "message:123" */
  subject: string | null;
  detail: Record<string, unknown>;
}

export async function recordAudit(sql: Sql, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql.query(
    `INSERT INTO audit_event (actor_kind, actor_id, action, subject, detail)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
    [
      entries.map((e) => e.actorKind),
      entries.map((e) => e.actorId),
      entries.map((e) => e.action),
      entries.map((e) => e.subject),
      entries.map((e) => JSON.stringify(e.detail)),
    ],
  );
}

/** The detail of the latest event with this action and subject (idempotent retries look here). */
export async function findAudit(
  sql: Sql,
  action: string,
  subject: string,
): Promise<Record<string, unknown> | null> {
  const { rows } = await sql.query<{ detail: Record<string, unknown> }>(
    `SELECT detail FROM audit_event WHERE action = $1 AND subject = $2 ORDER BY id DESC LIMIT 1`,
    [action, subject],
  );
  return rows[0]?.detail ?? null;
}
