/**
 * The relay's commit in its common shape — mark the message handled, bump the conversation, queue
 * the replies — as ONE statement, not BEGIN + three statements + COMMIT: each round trip to
 * PostgreSQL costs the relay a socket write and a wake-up of the backend (most of the hot path's
 * CPU: docs/PERFORMANCE.md). One statement is one implicit transaction, so replies and "handled"
 * still commit together or not at all.
 *
 * The guarantees of MessageLog.handleNextInbound hold as they did: the mark (`WHERE status =
 * 'received'`) runs first, because everything else is conditional on its row; a concurrent commit
 * of the same message waits on that row lock, then finds it handled and writes nothing.
 *
 * It also returns the conversation's next pending inbound message, so a drain neither reads it
 * in a statement of its own nor ends with a read that finds nothing. Read in this statement's
 * snapshot, it is as the next read would find it except for what this statement changes: the
 * conversation's unknown-streak and dialog, taken from the UPDATE's RETURNING. (A plain handling
 * changes nothing else the next message's answer reads: no state, language, link or redaction —
 * isPlainHandling.) "None" is safe: a message committed after this statement's snapshot requested
 * its own drain after its commit, while this drain was still active, and the queue keeps that
 * request as a follow-up (docs/message-path.md §2).
 */
import { type Sql, prepared } from "../db";
import type { Handling, Reply } from "./handling";
import type { PendingInbound } from "./records";
import { PENDING_PATRON_COLUMNS, PENDING_PATRON_JOIN, toPending, type PendingRow } from "./pending-inbound";

/** Whether the one-statement commit can write everything `handling` asks for. */
export function isPlainHandling(pending: PendingInbound, handling: Handling): boolean {
  return (
    !pending.redactWhenHandled &&
    !handling.setLanguage &&
    !handling.link &&
    !handling.audit?.length &&
    !handling.stateChange
  );
}

export async function commitPlainHandling(
  db: Sql,
  pending: PendingInbound,
  handling: Handling,
  replyMeta: (r: Reply) => Record<string, unknown>,
): Promise<{ committed: boolean; next: PendingInbound | null }> {
  const { rows } = await db.query<{ committed: boolean } & Partial<PendingRow>>(
    prepared(
      "commit_plain_handling",
      `WITH marked AS (
       UPDATE message SET status = $2, status_at = now(), handled_by = $3, error = $4
       WHERE id = $1 AND status = 'received'
       RETURNING id
     ), bumped AS (
       UPDATE conversation SET last_seq = last_seq + $6, unknown_streak = $7,
              dialog = CASE WHEN $8::boolean THEN coalesce($9::jsonb, '{}'::jsonb) ELSE dialog END
       WHERE id = $5 AND EXISTS (SELECT 1 FROM marked)
       RETURNING last_seq, chat_id, state, unknown_streak, patron_id, dialog
     ), replies AS (
       INSERT INTO message (conversation_id, seq, direction, author, kind, text, meta, channel, channel_key,
                            in_reply_to, status, handled_by)
       SELECT $5, (bumped.last_seq - $6 + u.ord)::int, 'out', u.author, u.kind, u.text, u.meta::jsonb, $10, u.key,
              $1, 'queued', $3
       FROM bumped, unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
                    WITH ORDINALITY AS u(text, meta, key, kind, author, ord)
       ON CONFLICT (channel, channel_key) DO NOTHING
     )
     SELECT EXISTS (SELECT 1 FROM marked) AS committed, n.*
     FROM (SELECT 1) one
     LEFT JOIN LATERAL (
       SELECT m.id, m.seq, m.kind, m.text, m.meta, m.channel, m.channel_message_id,
              c.chat_id, c.state, c.unknown_streak, c.patron_id, c.dialog,
              ${PENDING_PATRON_COLUMNS}
       FROM message m
       CROSS JOIN bumped c
       ${PENDING_PATRON_JOIN}
       WHERE m.conversation_id = $5 AND m.direction = 'in' AND m.status = 'received' AND m.id <> $1
       ORDER BY m.seq LIMIT 1
     ) n ON true`,
    ),
    [
      pending.id,
      handling.failed ? "failed" : "handled",
      handling.handledBy,
      handling.failed ?? null,
      pending.conversationId,
      handling.replies.length,
      handling.unknownStreak,
      handling.dialog !== undefined,
      handling.dialog ? JSON.stringify(handling.dialog) : null,
      pending.channel,
      handling.replies.map((r) => (r.kind === "delete" ? null : r.text)),
      handling.replies.map((r) => JSON.stringify(replyMeta(r))),
      handling.replies.map((_, i) => `r:${pending.id}:${i}`),
      handling.replies.map((r) => r.kind ?? "text"),
      handling.replies.map((r) => (r.kind === "delete" ? "system" : "bot")),
    ],
  );
  const row = rows[0]!;
  return {
    committed: row.committed,
    // No next row: the LEFT JOIN's columns are null.
    next: row.committed && row.id ? toPending(row as PendingRow, pending.conversationId) : null,
  };
}
