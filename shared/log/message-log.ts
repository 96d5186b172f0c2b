/**
 * The one writer of the message log (docs/message-path.md). Every hop goes through here, so
 * every row has the same shape: the patron's message when it arrives (ingress), the bot's
 * replies with the inbound message marked handled (relay, one transaction), and delivery
 * status (egress). Raw SQL: this is the hot path (a TypeORM save() per row costs ~4× as much;
 * `npm run bench`).
 *
 * Idempotency: inbound rows are unique by (channel, channel key from the channel); replies by
 * (channel, "r:<inbound id>:<n>"). A redelivered update or a re-run job writes nothing twice.
 */
import { recordAudit } from "../audit";
import type { Db, Sql } from "../db";
import type { Button, ChannelName, InboundMessage } from "../envelope";
import { closeByPatron, startWaiting } from "./conversation-state";
import type { Handling, Reply } from "./handling";
import { linkPatron, unlinkPatron } from "./patron-link";
import { PatronDirectory } from "./patrons";
import { nextPendingInbound } from "./pending-inbound";
import type { PendingInbound, QueuedOutbound, RecordedInbound, RecordedStaffMessage } from "./records";
import { recordStaffMessage, type StaffMessageInput } from "./staff-messages";
import { REDACTED_TEXT, isPasswordStepExit } from "../secret-box";

/** Separate advisory-lock namespaces so inbound and outbound drains never wait on each other. */
const LOCK_INBOUND = 7301;

export class MessageLog {
  private readonly patrons: PatronDirectory;

  constructor(
    private readonly db: Db,
    cacheSize = 10_000,
  ) {
    this.patrons = new PatronDirectory(db, cacheSize);
  }

  /** Ingress hop: write the patron's message with the next sequence number of its conversation. */
  async recordInbound(msg: InboundMessage): Promise<RecordedInbound> {
    const patronId = await this.patrons.patronFor(msg.channel, msg.sender.id, msg.sender.displayName);
    const meta = {
      ...msg.meta,
      senderId: msg.sender.id,
      senderName: msg.sender.displayName,
      ...(msg.sender.languageCode ? { languageCode: msg.sender.languageCode } : {}),
      sentAt: msg.sentAt,
      ...(msg.callbackId ? { callbackId: msg.callbackId } : {}),
      ...(msg.contact ? { contact: msg.contact } : {}),
      chat: { type: msg.chat.type },
      ...(msg.editOf ? { editOf: msg.editOf } : {}),
    };
    // When the bot is waiting for a password, any text the patron typed (edited, or starting with
    // "/", too) is a secret: the row gets a marker instead. Only a button's data and the commands
    // that leave the step (/batal, /pustakawan) stay readable. An edit of a redacted message is
    // redacted whatever the step is now. (A password that arrives before the step is committed is
    // redacted when it is handled: PendingInbound.redactWhenHandled.)
    const mayBeSecret = msg.text !== null && msg.kind !== "callback" && !isPasswordStepExit(msg.text);
    const inserted = await this.db.query<{
      id: string;
      conversation_id: number;
      seq: number;
      redacted: boolean;
    }>(
      `WITH conv AS (
         INSERT INTO conversation (channel, chat_id, patron_id, last_seq) VALUES ($1, $2, $3, 1)
         ON CONFLICT (channel, chat_id) WHERE state <> 'closed'
         DO UPDATE SET last_seq = conversation.last_seq + 1, last_message_at = now()
         RETURNING id, last_seq, (dialog->>'secret') = 'true' AS secret
       ), msg AS (
         SELECT conv.*,
                ((conv.secret IS TRUE AND $10::boolean)
                 OR ($4 = 'edited' AND $5::text IS NOT NULL AND EXISTS (
                       SELECT 1 FROM message o WHERE o.channel = $1 AND o.channel_key = $11 AND o.meta ? 'redacted'))
                ) AS redact
         FROM conv
       )
       INSERT INTO message (conversation_id, seq, direction, author, kind, text, meta, channel, channel_key, status,
                            channel_message_id)
       SELECT msg.id, msg.last_seq, 'in', 'patron', $4,
              CASE WHEN msg.redact THEN $8 ELSE $5 END,
              CASE WHEN msg.redact THEN $6::jsonb || '{"redacted": true}'::jsonb ELSE $6::jsonb END,
              $1, $7, 'received', $9
       FROM msg
       ON CONFLICT (channel, channel_key) DO NOTHING
       RETURNING id, conversation_id, seq, meta ? 'redacted' AS redacted`,
      [
        msg.channel,
        msg.chatId,
        patronId,
        msg.kind,
        msg.text,
        JSON.stringify(meta),
        msg.key,
        REDACTED_TEXT,
        msg.channelMessageId ?? null,
        mayBeSecret,
        msg.editOf ?? null,
      ],
    );
    const row = inserted.rows[0];
    if (row) {
      return {
        messageId: row.id,
        conversationId: row.conversation_id,
        seq: row.seq,
        duplicate: false,
        redacted: row.redacted,
      };
    }
    // Already logged: a redelivery. (The sequence number it consumed stays a harmless gap.)
    const existing = await this.db.query<{ id: string; conversation_id: number; seq: number }>(
      `SELECT id, conversation_id, seq FROM message WHERE channel = $1 AND channel_key = $2`,
      [msg.channel, msg.key],
    );
    const found = existing.rows[0];
    if (!found) throw new Error(`message ${msg.channel}/${msg.key} neither inserted nor found`);
    return {
      messageId: found.id,
      conversationId: found.conversation_id,
      seq: found.seq,
      duplicate: true,
      redacted: false,
    };
  }

  /**
   * Relay hop: take the oldest unhandled inbound message of a conversation, let `handle`
   * decide, and write its replies and the handled mark in one transaction. Returns false when
   * nothing was pending. A transaction-scoped advisory lock makes two drains of the same
   * conversation (possible only if a stalled job is re-run) take turns instead of racing.
   */
  async handleNextInbound(
    conversationId: number,
    handle: (message: PendingInbound) => Promise<Handling>,
  ): Promise<{ message: PendingInbound; handling: Handling } | null> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [LOCK_INBOUND, conversationId]);
      const pending = await nextPendingInbound(tx, conversationId);
      if (!pending) return null;
      const handling = await handle(pending);
      if (handling.setLanguage) {
        await tx.query(`UPDATE patron SET language = $2 WHERE id = $1`, [
          pending.patron.id,
          handling.setLanguage,
        ]);
      }
      // A secret the ingress could not know was one (it arrived before the password step was
      // committed, or it edits a message redacted since): the one UPDATE the append-only trigger
      // allows replaces it by the marker and audits it, whatever the answer (a failure too).
      if (pending.redactWhenHandled) {
        await tx.query(
          `UPDATE message SET text = $2, meta = meta || '{"redacted": true, "redactedLate": true}'::jsonb
           WHERE id = $1 AND NOT meta ? 'redacted'`,
          [pending.id, REDACTED_TEXT],
        );
      }
      if (handling.link) await this.applyLink(tx, pending, handling.link);
      if (handling.audit) await recordAudit(tx, handling.audit);
      if (handling.stateChange?.to === "waiting")
        await startWaiting(tx, conversationId, handling.stateChange.reason);
      if (handling.stateChange?.to === "closed")
        await closeByPatron(tx, conversationId, handling.stateChange.outcome);
      const n = handling.replies.length;
      const bumped = await tx.query<{ last_seq: number }>(
        `UPDATE conversation SET last_seq = last_seq + $2, unknown_streak = $3,
                dialog = CASE WHEN $4::boolean THEN coalesce($5::jsonb, '{}'::jsonb) ELSE dialog END
         WHERE id = $1 RETURNING last_seq`,
        [
          conversationId,
          n,
          handling.unknownStreak,
          handling.dialog !== undefined,
          handling.dialog ? JSON.stringify(handling.dialog) : null,
        ],
      );
      const lastSeq = bumped.rows[0]!.last_seq;
      if (n > 0) {
        await tx.query(
          `INSERT INTO message (conversation_id, seq, direction, author, kind, text, meta, channel, channel_key,
                                in_reply_to, status, handled_by)
           SELECT $1, u.seq, 'out', u.author, u.kind, u.text, u.meta::jsonb, $2, u.key, $3, 'queued', $4
           FROM unnest($5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
                AS u(seq, text, meta, key, kind, author)
           ON CONFLICT (channel, channel_key) DO NOTHING`,
          [
            conversationId,
            pending.channel,
            pending.id,
            handling.handledBy,
            handling.replies.map((_, i) => lastSeq - n + 1 + i),
            handling.replies.map((r) => (r.kind === "delete" ? null : r.text)),
            handling.replies.map((r) => JSON.stringify(replyMeta(r))),
            handling.replies.map((_, i) => `r:${pending.id}:${i}`),
            handling.replies.map((r) => r.kind ?? "text"),
            handling.replies.map((r) => (r.kind === "delete" ? "system" : "bot")),
          ],
        );
      }
      const marked = await tx.query(
        `UPDATE message SET status = $2, status_at = now(), handled_by = $3, error = $4
         WHERE id = $1 AND status = 'received'`,
        [pending.id, handling.failed ? "failed" : "handled", handling.handledBy, handling.failed ?? null],
      );
      if (marked.rowCount !== 1) throw new Error(`message ${pending.id} was handled concurrently`);
      return { message: pending, handling };
    });
  }

  /** Egress hop: the oldest reply of a conversation still waiting to be sent. */
  async nextQueuedOutbound(conversationId: number): Promise<QueuedOutbound | null> {
    const { rows } = await this.db.query<{
      id: string;
      seq: number;
      channel: ChannelName;
      chat_id: string;
      kind: "text" | "delete";
      text: string | null;
      meta: { buttons?: Button[][]; requestContact?: string; removeKeyboard?: boolean; target?: string };
    }>(
      `SELECT m.id, m.seq, m.channel, c.chat_id, m.kind, m.text, m.meta
       FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE m.conversation_id = $1 AND m.direction = 'out' AND m.status = 'queued'
       ORDER BY m.seq LIMIT 1`,
      [conversationId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      seq: row.seq,
      channel: row.channel,
      chatId: row.chat_id,
      kind: row.kind,
      text: row.text ?? "",
      ...(row.meta.buttons ? { buttons: row.meta.buttons } : {}),
      ...(row.meta.requestContact ? { requestContact: row.meta.requestContact } : {}),
      ...(row.meta.removeKeyboard ? { removeKeyboard: true } : {}),
      ...(row.meta.target !== undefined ? { target: String(row.meta.target) } : {}),
    };
  }

  async markSent(messageId: string, channelMessageId: string): Promise<void> {
    await this.db.query(
      `UPDATE message SET status = 'sent', status_at = now(), channel_message_id = $2, error = NULL
       WHERE id = $1 AND status = 'queued'`,
      [messageId, channelMessageId],
    );
  }

  async markFailed(messageId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE message SET status = 'failed', status_at = now(), error = $2 WHERE id = $1 AND status = 'queued'`,
      [messageId, error.slice(0, 2000)],
    );
  }

  /** Conversations with inbound messages that no drain has handled for `olderThanMs` (the sweeper's question). */
  /** How many conversations wait for a librarian (the handoff tells the patron their place). */
  async waitingCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM conversation WHERE state = 'waiting'`,
    );
    return rows[0]!.n;
  }

  async conversationsWithPendingInbound(olderThanMs: number): Promise<number[]> {
    const { rows } = await this.db.query<{ conversation_id: number }>(
      `SELECT DISTINCT conversation_id FROM message
       WHERE direction = 'in' AND status = 'received' AND created_at < now() - make_interval(secs => $1)`,
      [olderThanMs / 1000],
    );
    return rows.map((r) => r.conversation_id);
  }

  async conversationsWithQueuedOutbound(channel: ChannelName, olderThanMs: number): Promise<number[]> {
    const { rows } = await this.db.query<{ conversation_id: number }>(
      `SELECT DISTINCT conversation_id FROM message
       WHERE direction = 'out' AND status = 'queued' AND channel = $1 AND status_at < now() - make_interval(secs => $2)`,
      [channel, olderThanMs / 1000],
    );
    return rows.map((r) => r.conversation_id);
  }

  private async applyLink(
    tx: Sql,
    pending: PendingInbound,
    link: NonNullable<Handling["link"]>,
  ): Promise<void> {
    // The sender's own patron: a link belongs to the person who proved it, never to a chat.
    const patronId = pending.patron.id;
    if ("unlink" in link) await unlinkPatron(tx, patronId);
    else await linkPatron(tx, patronId, pending.channel, link.memberId, link.method);
  }

  /** Console hop: a librarian's reply or a system notice, queued like a bot reply (staff-messages.ts). */
  recordStaffMessage(input: StaffMessageInput): Promise<RecordedStaffMessage | null> {
    return recordStaffMessage(this.db, input);
  }

  /** Console: queue a failed outbound message again (a librarian's "retry"). Null if it was not failed. */
  async requeueFailed(messageId: string): Promise<{ conversationId: number; channel: ChannelName } | null> {
    const { rows } = await this.db.query<{ conversation_id: number; channel: ChannelName }>(
      `UPDATE message SET status = 'queued', status_at = now(), error = NULL
       WHERE id = $1 AND direction = 'out' AND status = 'failed'
       RETURNING conversation_id, channel`,
      [messageId],
    );
    return rows[0] ? { conversationId: rows[0].conversation_id, channel: rows[0].channel } : null;
  }
}

function replyMeta(r: Reply): Record<string, unknown> {
  return {
    ...r.meta,
    ...(r.buttons ? { buttons: r.buttons } : {}),
    ...(r.requestContact ? { requestContact: r.requestContact } : {}),
    ...(r.removeKeyboard ? { removeKeyboard: true } : {}),
  };
}
