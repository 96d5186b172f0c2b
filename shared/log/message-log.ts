/**
 * The one writer of the message log (docs/message-path.md). Every hop goes through here, so
 * every row has the same shape: the patron's message when it arrives (ingress), the bot's
 * replies with the inbound message marked handled (relay, one short transaction), and delivery
 * status (egress). Raw SQL: this is the hot path (a TypeORM save() per row costs ~4× as much;
 * `npm run bench`).
 *
 * Idempotency: inbound rows are unique by (channel, channel key from the channel); replies by
 * (channel, "r:<inbound id>:<n>"). A redelivered update or a re-run job writes nothing twice.
 */
import { recordAudit } from "../audit";
import { type Db, type Sql, prepared } from "../db";
import { DELIVERIES, type ChannelName, type DeliveryReport, type InboundMessage } from "../envelope";
import { closeByPatron, startWaiting } from "./conversation-state";
import type { Handling, Reply } from "./handling";
import { linkPatron, unlinkPatron } from "./patron-link";
import { PatronDirectory } from "./patrons";
import { countInboundFailure } from "./inbound-failures";
import { commitPlainHandling, isPlainHandling } from "./handled-commit";
import { claimNextOutbound, markSentAndClaimNext } from "./outbound-claim";
import { nextPendingInbound } from "./pending-inbound";
import type { PendingInbound, QueuedOutbound, RecordedInbound, RecordedStaffMessage } from "./records";
import { recordStaffMessage, type StaffMessageInput } from "./staff-messages";
import { REDACTED_TEXT, isPasswordStepExit } from "../secret-box";
import { SANITISED_META_KEY, sanitiseInbound } from "./sanitise";

export class MessageLog {
  private readonly patrons: PatronDirectory;

  constructor(
    private readonly db: Db,
    cacheSize = 10_000,
  ) {
    this.patrons = new PatronDirectory(db, cacheSize);
  }

  /** Ingress hop: write the patron's message with the next sequence number of its conversation. */
  async recordInbound(received: InboundMessage): Promise<RecordedInbound> {
    // Storable first (sanitise.ts): one U+0000 or lone surrogate must not refuse the row for ever.
    const msg = sanitiseInbound(received);
    const patronId = await this.patrons.patronFor(msg.channel, msg.sender.id, msg.sender.displayName);
    const meta = {
      ...msg.meta,
      senderId: msg.sender.id,
      senderName: msg.sender.displayName,
      ...(msg.sender.languageCode ? { languageCode: msg.sender.languageCode } : {}),
      ...(msg.sender.phone ? { senderPhone: msg.sender.phone } : {}),
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
      prepared(
        "record_inbound",
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
              CASE WHEN msg.redact THEN ($6::jsonb #- '{${SANITISED_META_KEY},text}') || '{"redacted": true}'::jsonb
                   ELSE $6::jsonb END,
              $1, $7, 'received', $9
       FROM msg
       ON CONFLICT (channel, channel_key) DO NOTHING
       RETURNING id, conversation_id, seq, meta ? 'redacted' AS redacted`,
      ),
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
   * Relay hop: take the oldest unhandled inbound message of a conversation, let `handle` decide,
   * and write its replies and the handled mark in one short transaction. Returns null when
   * nothing was pending; `more` false when the commit saw no further pending message of the
   * conversation (handled-commit.ts: the drain may stop without another read); `next`, when the
   * one-statement commit read it, the conversation's next pending message — handed back as
   * `carried`, the next call answers it without reading it again.
   *
   * No transaction (and no pool connection) is held while `handle` runs: it may call the library
   * system or Redis, and a stalled outside system must not starve PostgreSQL for ingress, the
   * console, egress and /healthz. The commit re-checks that the message is still `received`
   * (its row lock serialises two commits); if another drain of the conversation (a stalled job
   * re-run) got there first, nothing is written and `committed` is false
   * (docs/message-path.md §3).
   */
  async handleNextInbound(
    conversationId: number,
    handle: (message: PendingInbound) => Promise<Handling>,
    carried?: PendingInbound,
  ): Promise<{
    message: PendingInbound;
    handling: Handling;
    committed: boolean;
    more: boolean;
    next?: PendingInbound;
  } | null> {
    const pending = carried ?? (await nextPendingInbound(this.db, conversationId));
    if (!pending) return null;
    const handling = await handle(pending);
    // The common shape in one statement (handled-commit.ts); anything more in a transaction.
    if (isPlainHandling(pending, handling)) {
      const { committed, next } = await commitPlainHandling(this.db, pending, handling, replyMeta);
      // Not committed (another drain was first): its next message is read afresh.
      return {
        message: pending,
        handling,
        committed,
        more: !committed || next !== null,
        ...(next ? { next } : {}),
      };
    }
    const committed = await this.db.transaction((tx) => this.commitHandling(tx, pending, handling));
    return { message: pending, handling, committed, more: true };
  }

  /** Count one more failure of the relay on `messageId` (inbound-failures.ts); returns the count. */
  countInboundFailure(messageId: string, error: string): Promise<number> {
    return countInboundFailure(this.db, messageId, error);
  }

  private async commitHandling(tx: Sql, pending: PendingInbound, handling: Handling): Promise<boolean> {
    const conversationId = pending.conversationId;
    // First, so a concurrent commit of the same message waits on this row and then finds it handled.
    const marked = await tx.query(
      `UPDATE message SET status = $2, status_at = now(), handled_by = $3, error = $4
       WHERE id = $1 AND status = 'received'`,
      [pending.id, handling.failed ? "failed" : "handled", handling.handledBy, handling.failed ?? null],
    );
    if (marked.rowCount !== 1) return false;
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
    // The sender's own patron, not the conversation's first writer (a group chat has many).
    if (handling.setLanguage) {
      await tx.query(`UPDATE patron SET language = $2 WHERE id = $1`, [
        pending.patron.id,
        handling.setLanguage,
      ]);
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
    return true;
  }

  /**
   * Egress hop: claim the oldest reply of a conversation still waiting to be sent, or null when
   * there is none — or when another run holds a fresh claim on it (a drain re-run after its job
   * lost its lock): that run sends it and the ones after it, so this one stops. Held only around
   * the send; a stale claim is taken over (its one reply on the wire may then be sent twice).
   * (outbound-claim.ts)
   */
  claimNextOutbound(conversationId: number, staleAfterMs: number): Promise<QueuedOutbound | null> {
    return claimNextOutbound(this.db, conversationId, staleAfterMs);
  }

  /** Egress: mark a claimed reply sent and claim the next, in one statement (outbound-claim.ts). */
  markSentAndClaimNext(
    messageId: string,
    channelMessageId: string,
    conversationId: number,
    staleAfterMs: number,
  ): Promise<QueuedOutbound | null> {
    return markSentAndClaimNext(this.db, { messageId, channelMessageId }, conversationId, staleAfterMs);
  }

  /** Egress: give a claimed reply back unsent (a 429 wait), so a run that is alive may take it. */
  async releaseOutbound(messageId: string): Promise<void> {
    await this.db.query(`UPDATE message SET send_claimed_at = NULL WHERE id = $1 AND status = 'queued'`, [
      messageId,
    ]);
  }

  /**
   * Egress: a transient send failure of a claimed reply, counted on the reply itself (not per job
   * attempt). Below `maxAttempts` it stays queued and unclaimed; at the cap it is `failed` with the
   * reason (visible, retryable by librarians), so the replies behind it flow. Returns its status.
   */
  async recordSendFailure(
    messageId: string,
    error: string,
    maxAttempts: number,
  ): Promise<"queued" | "failed" | null> {
    const { rows } = await this.db.query<{ status: "queued" | "failed" }>(
      `UPDATE message SET send_attempts = send_attempts + 1, send_claimed_at = NULL,
              status = CASE WHEN send_attempts + 1 >= $3 THEN 'failed' ELSE status END,
              status_at = CASE WHEN send_attempts + 1 >= $3 THEN now() ELSE status_at END,
              error = CASE WHEN send_attempts + 1 >= $3
                           THEN 'gave up after ' || (send_attempts + 1) || ' attempts: ' || $2 ELSE $2 END
       WHERE id = $1 AND status = 'queued'
       RETURNING status`,
      [messageId, error.slice(0, 1900), maxAttempts],
    );
    return rows[0]?.status ?? null;
  }

  async markSent(messageId: string, channelMessageId: string): Promise<void> {
    await this.db.query(
      prepared(
        "mark_sent",
        `UPDATE message SET status = 'sent', status_at = now(), channel_message_id = $2, error = NULL,
              send_claimed_at = NULL
       WHERE id = $1 AND status = 'queued'`,
      ),
      [messageId, channelMessageId],
    );
  }

  /**
   * A channel's delivery ack for a reply it sent (WhatsApp's message_ack), found by the channel's
   * message id. Only ever raised (acks can arrive out of order: "read" then a late "device"); a
   * delivery error marks a sent reply failed, visible and retryable by librarians. Null when no
   * sent reply has that id (yet); `changed` false when the row already said as much.
   */
  async recordDelivery(
    report: DeliveryReport,
  ): Promise<{ messageId: string; conversationId: number; changed: boolean } | null> {
    const failed = report.delivery === "error";
    const { rows } = await this.db.query<{ id: string; conversation_id: number; changed: boolean }>(
      `WITH target AS (
         SELECT id, conversation_id FROM message
         WHERE channel = $1 AND channel_message_id = $2 AND direction = 'out'
         LIMIT 1
       ), changed AS (
         UPDATE message m SET
           delivery = CASE WHEN $3 THEN m.delivery ELSE $4 END,
           delivery_at = CASE WHEN $3 THEN m.delivery_at ELSE now() END,
           status = CASE WHEN $3 THEN 'failed' ELSE m.status END,
           status_at = CASE WHEN $3 THEN now() ELSE m.status_at END,
           error = CASE WHEN $3 THEN $1 || ': not delivered (the channel reported an error)' ELSE m.error END
         FROM target
         WHERE m.id = target.id AND m.status = 'sent'
           AND ($3 OR m.delivery IS NULL
                OR array_position($5::text[], m.delivery) < array_position($5::text[], $4::text))
         RETURNING m.id
       )
       SELECT target.id, target.conversation_id, EXISTS (SELECT 1 FROM changed) AS changed FROM target`,
      [report.channel, report.channelMessageId, failed, failed ? null : report.delivery, [...DELIVERIES]],
    );
    const row = rows[0];
    return row ? { messageId: row.id, conversationId: row.conversation_id, changed: row.changed } : null;
  }

  async markFailed(messageId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE message SET status = 'failed', status_at = now(), error = $2, send_claimed_at = NULL
       WHERE id = $1 AND status = 'queued'`,
      [messageId, error.slice(0, 2000)],
    );
  }

  /** Conversations with inbound messages that no drain has handled for `olderThanMs` (the sweeper's question). */
  /** How many conversations wait for a librarian (with that handoff reason, if given): the handoff tells the patron their place. */
  async waitingCount(reason?: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM conversation WHERE state = 'waiting' AND ($1::text IS NULL OR handoff_reason = $1)`,
      [reason ?? null],
    );
    return rows[0]!.n;
  }

  /**
   * A waiting conversation's place in the librarians' queue, in the console's order (questions
   * left while nobody was online first, then oldest first: web/console/conversations.ts); 0 when
   * it is not waiting.
   */
  async waitingPosition(conversationId: number): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(w.id)::int AS n FROM conversation me
       JOIN conversation w ON w.state = 'waiting'
         AND ((w.handoff_reason IS DISTINCT FROM 'left_question'), w.waiting_since, w.id)
             <= ((me.handoff_reason IS DISTINCT FROM 'left_question'), me.waiting_since, me.id)
       WHERE me.id = $1 AND me.state = 'waiting'`,
      [conversationId],
    );
    return rows[0]?.n ?? 0;
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
      `UPDATE message SET status = 'queued', status_at = now(), error = NULL, send_attempts = 0,
              send_claimed_at = NULL, delivery = NULL, delivery_at = NULL -- a resend is a new delivery
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
