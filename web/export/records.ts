/**
 * The exported records, read from one server-side cursor (pg-query-stream) so a month or a million
 * rows stream in constant memory: each record is a message (patron, bot with the answer that
 * produced it, librarian by name, system), a librarian's internal note, or an audit event tied to
 * the conversation (claim, transfer, close, handoff, link, renewal…). Read-only: this module
 * writes nothing (one writer per table, docs/ARCHITECTURE.md).
 *
 * Order: conversation, then the message's sequence number, so a conversation's transcript is
 * contiguous and its messages print in the order the patron saw them (seq is taken under the
 * conversation's row lock, created_at at transaction start: two racing writes can have the two
 * in opposite orders). A note or event has no seq: it goes after the last message (by seq)
 * written at or before it, then by time. One order for every format, so a transcript's records
 * hash the same as the JSON Lines export of the same filters.
 */
import type { Pool, PoolClient } from "pg";
import QueryStream from "pg-query-stream";
import { Readable, Transform } from "node:stream";
import type { ExportFilters } from "./filters";

export const RECORD_TYPES = ["message", "note", "event"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface ExportRecord {
  type: RecordType;
  /** message id, note id or audit event id (unique within its type) */
  id: string;
  conversationId: number;
  channel: string;
  /** message sequence number in its conversation; null for notes and events */
  seq: number | null;
  at: Date;
  direction: "in" | "out" | null;
  /** patron | bot | librarian | system; for an event, its actor's kind */
  author: string;
  /** the librarian's display name, the patron's name, or the bot's answer */
  authorName: string | null;
  memberId: string | null;
  kind: string;
  text: string | null;
  /** bot: the automated answer that produced the reply; in: what handled the message */
  handledBy: string | null;
  status: string | null;
  delivery: string | null;
  /** an event's action (conversation.claim, renewal…) */
  action: string | null;
  /** stored file attached to the message, as JSON; an event's detail, as JSON */
  detail: string | null;
  /** the conversation's patron display name (transcript section headers; not a CSV column) */
  patronName: string | null;
}

const ROW_SQL = `
WITH conv AS (
  SELECT c.id, c.channel, p.member_id, p.display_name AS patron_name
  FROM conversation c JOIN patron p ON p.id = c.patron_id
  WHERE ($3::text IS NULL OR c.channel = $3)
    AND ($4::text IS NULL OR p.member_id = $4)
    AND ($5::int IS NULL OR c.id = $5)
    AND ($6::text IS NULL OR EXISTS (
          SELECT 1 FROM staff_user s WHERE s.username = $6 AND (c.assigned_staff_id = s.id
            OR EXISTS (SELECT 1 FROM message sm WHERE sm.conversation_id = c.id AND sm.author_staff_id = s.id)
            OR EXISTS (SELECT 1 FROM audit_event sa WHERE sa.subject = 'conversation:' || c.id
                       AND sa.actor_kind = 'staff' AND sa.actor_id = s.id::text))))
), bounds AS (
  SELECT ($1::date)::timestamp AT TIME ZONE $7 AS lo,
         least(($2::date + 1)::timestamp AT TIME ZONE $7, coalesce($8::timestamptz, 'infinity')) AS hi
), r AS (
  SELECT 'message' AS type, m.id::text AS id, m.conversation_id, conv.channel, m.seq, m.created_at AS at,
         m.direction, m.author,
         CASE m.author WHEN 'librarian' THEN s.display_name WHEN 'patron' THEN conv.patron_name
                       WHEN 'bot' THEN m.handled_by ELSE NULL END AS author_name,
         conv.member_id, m.kind, m.text, m.handled_by, m.status, m.delivery, NULL AS action,
         (m.meta -> 'media')::text AS detail, conv.patron_name
  FROM message m JOIN conv ON conv.id = m.conversation_id
       LEFT JOIN staff_user s ON s.id = m.author_staff_id, bounds
  WHERE m.created_at >= bounds.lo AND m.created_at < bounds.hi
  UNION ALL
  SELECT 'note', n.id::text, n.conversation_id, conv.channel, NULL, n.created_at, NULL, 'librarian',
         s.display_name, conv.member_id, 'note', n.text, NULL, NULL, NULL, NULL, NULL, conv.patron_name
  FROM staff_note n JOIN conv ON conv.id = n.conversation_id JOIN staff_user s ON s.id = n.staff_id, bounds
  WHERE n.created_at >= bounds.lo AND n.created_at < bounds.hi
  UNION ALL
  SELECT 'event', a.id::text, conv.id, conv.channel, NULL, a.at, NULL, a.actor_kind,
         CASE WHEN a.actor_kind = 'staff' THEN s.display_name ELSE a.actor_id END,
         conv.member_id, 'event', NULL, NULL, NULL, NULL, a.action, a.detail::text, conv.patron_name
  FROM audit_event a
       JOIN conv ON a.subject = 'conversation:' || conv.id
         OR EXISTS (SELECT 1 FROM message em WHERE em.conversation_id = conv.id
               AND em.id = CASE WHEN a.subject ~ '^message:[0-9]{1,18}$' THEN substr(a.subject, 9)::bigint END)
         OR EXISTS (SELECT 1 FROM message em WHERE em.conversation_id = conv.id
               AND em.id = CASE WHEN a.detail ->> 'messageId' ~ '^[0-9]{1,18}$'
                                THEN (a.detail ->> 'messageId')::bigint END)
       LEFT JOIN staff_user s ON a.actor_kind = 'staff' AND s.id::text = a.actor_id, bounds
  WHERE a.at >= bounds.lo AND a.at < bounds.hi
), timed AS (
  -- a note or event is anchored to the highest seq written at or before it (0: before any)
  SELECT r.*, CASE WHEN r.type = 'message' THEN r.seq
                   ELSE coalesce(max(r.seq) OVER (PARTITION BY r.conversation_id ORDER BY r.at, r.seq NULLS LAST,
                                                  r.type, r.id::bigint ROWS UNBOUNDED PRECEDING), 0) END AS anchor
  FROM r
)
SELECT * FROM timed
ORDER BY conversation_id, anchor, type <> 'message', at, type, id::bigint`;

interface Row {
  type: RecordType;
  id: string;
  conversation_id: number;
  channel: string;
  seq: number | null;
  at: Date;
  direction: "in" | "out" | null;
  author: string;
  author_name: string | null;
  member_id: string | null;
  kind: string;
  text: string | null;
  handled_by: string | null;
  status: string | null;
  delivery: string | null;
  action: string | null;
  detail: string | null;
  patron_name: string | null;
}

const toRecord = (r: Row): ExportRecord => ({
  type: r.type,
  id: r.id,
  conversationId: r.conversation_id,
  channel: r.channel,
  seq: r.seq,
  at: r.at,
  direction: r.direction,
  author: r.author,
  authorName: r.author_name,
  memberId: r.member_id,
  kind: r.kind,
  text: r.text,
  handledBy: r.handled_by,
  status: r.status,
  delivery: r.delivery,
  action: r.action,
  detail: r.detail,
  patronName: r.patron_name,
});

/** Rows fetched per round trip: enough to amortise it, few enough to keep memory flat. */
const BATCH = 500;

/**
 * The records matching `filters`, as an object stream that honours back-pressure (the cursor
 * reads the next batch only when the consumer wants it). The pool connection is released when
 * the stream ends, fails or is destroyed.
 *
 * `until`: only records before that instant. An export passes its start, so its manifest's row
 * hashes can be recomputed later from the same rows (row-hashes.ts): what was written after,
 * including the export's own audit event on a conversation, is not in it.
 */
export async function openRecords(
  pool: Pool,
  filters: ExportFilters,
  timeZone: string,
  until?: Date,
): Promise<Readable> {
  const client: PoolClient = await pool.connect();
  const query = new QueryStream(
    ROW_SQL,
    [
      filters.from,
      filters.to,
      filters.channel ?? null,
      filters.memberId ?? null,
      filters.conversation ?? null,
      filters.librarian ?? null,
      timeZone,
      until ?? null,
    ],
    { batchSize: BATCH, highWaterMark: BATCH },
  );
  const rows = client.query(query);
  let released = false;
  const release = (err?: Error) => {
    if (released) return;
    released = true;
    client.release(err);
  };
  const mapped = new Transform({
    objectMode: true,
    highWaterMark: BATCH,
    transform(row: Row, _enc, done) {
      done(null, toRecord(row));
    },
  });
  rows.on("error", (err) => {
    release(err);
    mapped.destroy(err);
  });
  rows.on("end", () => release());
  mapped.on("close", () => {
    // destroyed early (client went away): stop the cursor and drop the connection's state
    if (!released) {
      rows.destroy();
      release(new Error("export stopped early"));
    }
  });
  return rows.pipe(mapped);
}
