/**
 * Egress claims (docs/message-path.md §4): the oldest queued reply of a conversation, claimed on
 * its row so that a second run of the same drain (a job that lost its lock) finds the claim and
 * stops instead of sending it again. The claim is one conditional UPDATE (the row lock makes two
 * claimers take turns, the second sees the first's claim); a claim older than `staleAfterMs`
 * belongs to a run that died (kill -9) and is taken over.
 *
 * `markSentAndClaimNext` is "sent" for one reply and the claim of the next in ONE statement (one
 * round trip instead of two: docs/PERFORMANCE.md). One statement is one transaction: either the
 * reply is marked sent and the next is claimed, or neither. The next is the oldest queued reply
 * other than the one just sent (the statement's snapshot still sees that one queued); the "sent"
 * UPDATE runs whether or not there is a next (PostgreSQL runs a data-modifying WITH to completion).
 */
import type { Sql } from "../db";
import { prepared } from "../db";
import type { Button, ChannelName, OutboundAttachment } from "../envelope";
import type { QueuedOutbound } from "./records";

interface ClaimedRow {
  id: string;
  seq: number;
  channel: ChannelName;
  chat_id: string;
  kind: "text" | "delete";
  text: string | null;
  meta: {
    buttons?: Button[][];
    requestContact?: string;
    removeKeyboard?: boolean;
    target?: string;
    attachment?: Omit<OutboundAttachment, "bytes">;
  };
  send_attempts: number;
  in_reply_to: string | null;
  /** how long ago the inbound message this answers was recorded (PostgreSQL's clock): latency metrics */
  asked_ms_ago: number | null;
}

const CLAIM = prepared(
  "claim_next_outbound",
  `WITH next AS (
     SELECT m.id FROM message m
     WHERE m.conversation_id = $1 AND m.direction = 'out' AND m.status = 'queued'
     ORDER BY m.seq LIMIT 1
     FOR UPDATE
   )
   UPDATE message m SET send_claimed_at = now()
   FROM next, conversation c
   WHERE m.id = next.id AND c.id = m.conversation_id AND m.status = 'queued'
     AND (m.send_claimed_at IS NULL OR m.send_claimed_at < now() - make_interval(secs => $2))
   RETURNING m.id, m.seq, m.channel, c.chat_id, m.kind, m.text, m.meta, m.send_attempts, m.in_reply_to,
     (SELECT extract(epoch FROM clock_timestamp() - i.created_at) * 1000 FROM message i
      WHERE i.id = m.in_reply_to)::float8 AS asked_ms_ago`,
);

const SENT_AND_CLAIM = prepared(
  "mark_sent_claim_next_outbound",
  `WITH sent AS (
     UPDATE message SET status = 'sent', status_at = now(), channel_message_id = $4, error = NULL,
            send_claimed_at = NULL
     WHERE id = $3 AND status = 'queued'
     RETURNING id
   ), next AS (
     SELECT m.id FROM message m
     WHERE m.conversation_id = $1 AND m.direction = 'out' AND m.status = 'queued' AND m.id <> $3
     ORDER BY m.seq LIMIT 1
     FOR UPDATE
   )
   UPDATE message m SET send_claimed_at = now()
   FROM next, conversation c
   WHERE m.id = next.id AND c.id = m.conversation_id AND m.status = 'queued'
     AND (m.send_claimed_at IS NULL OR m.send_claimed_at < now() - make_interval(secs => $2))
   RETURNING m.id, m.seq, m.channel, c.chat_id, m.kind, m.text, m.meta, m.send_attempts, m.in_reply_to,
     (SELECT extract(epoch FROM clock_timestamp() - i.created_at) * 1000 FROM message i
      WHERE i.id = m.in_reply_to)::float8 AS asked_ms_ago`,
);

export async function claimNextOutbound(
  db: Sql,
  conversationId: number,
  staleAfterMs: number,
): Promise<QueuedOutbound | null> {
  const { rows } = await db.query<ClaimedRow>(CLAIM, [conversationId, staleAfterMs / 1000]);
  return rows[0] ? toQueued(rows[0]) : null;
}

export async function markSentAndClaimNext(
  db: Sql,
  sent: { messageId: string; channelMessageId: string },
  conversationId: number,
  staleAfterMs: number,
): Promise<QueuedOutbound | null> {
  const { rows } = await db.query<ClaimedRow>(SENT_AND_CLAIM, [
    conversationId,
    staleAfterMs / 1000,
    sent.messageId,
    sent.channelMessageId,
  ]);
  return rows[0] ? toQueued(rows[0]) : null;
}

function toQueued(row: ClaimedRow): QueuedOutbound {
  return {
    id: row.id,
    seq: row.seq,
    channel: row.channel,
    chatId: row.chat_id,
    kind: row.kind,
    text: row.text ?? "",
    sendAttempts: row.send_attempts,
    ...(row.in_reply_to ? { inReplyTo: row.in_reply_to } : {}),
    ...(row.asked_ms_ago !== null ? { askedAt: Date.now() - row.asked_ms_ago } : {}),
    ...(row.meta.buttons ? { buttons: row.meta.buttons } : {}),
    ...(row.meta.requestContact ? { requestContact: row.meta.requestContact } : {}),
    ...(row.meta.removeKeyboard ? { removeKeyboard: true } : {}),
    ...(row.meta.target !== undefined ? { target: String(row.meta.target) } : {}),
    ...(row.meta.attachment ? { attachment: row.meta.attachment } : {}),
  };
}
