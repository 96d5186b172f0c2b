/**
 * The one writer of the message log (ARCHITECTURE §6.10). Every hop goes through here, so
 * every row has the same shape: the patron's message when it arrives (ingress), the bot's
 * replies with the inbound message marked handled (relay, one transaction), and delivery
 * status (egress). Raw SQL: this is the hot path (see performance-notes: no per-row save()).
 *
 * Idempotency: inbound rows are unique by (channel, channel key from the channel); replies by
 * (channel, "r:<inbound id>:<n>"). A redelivered update or a re-run job writes nothing twice.
 */
import { recordAudit, type AuditEntry } from "./audit";
import type { Db, Sql } from "./db";
import { pressedButton } from "./buttons";
import type { Button, ChannelName, InboundContact, InboundMessage, Language, MessageKind } from "./envelope";
import type { ConversationState } from "./entities/conversation";
import { closeByPatron, startWaiting } from "./log/conversation-state";
import { linkPatron, unlinkPatron } from "./log/patron-link";
import { REDACTED_TEXT } from "./secret-box";

export interface RecordedInbound {
  messageId: string;
  conversationId: number;
  seq: number;
  /** true when this message was already in the log (a redelivery) */
  duplicate: boolean;
  /** true when the text was a secret (the bot had asked for a password): the log holds a marker */
  redacted: boolean;
}

export interface PendingInbound {
  id: string;
  conversationId: number;
  seq: number;
  kind: MessageKind;
  text: string | null;
  meta: Record<string, unknown>;
  channel: ChannelName;
  chatId: string;
  /** the channel's id of the sender (meta.senderId as the ingress wrote it) */
  senderId: string;
  /** the channel's id of the message (where the channel gives one): the bot may delete it */
  channelMessageId?: string;
  /** a shared contact (meta.contact as the ingress wrote it) */
  contact?: InboundContact;
  conversation: {
    state: ConversationState;
    unknownStreak: number;
    patronId: number;
    /** the pending dialog step ({} when idle) */
    dialog: Record<string, unknown>;
  };
  patron: { language: Language | null; displayName: string; memberId: string | null };
}

export interface Reply {
  text: string;
  buttons?: Button[][];
  /** show a button that shares the patron's own phone number */
  requestContact?: string;
  removeKeyboard?: boolean;
  /**
   * "delete": not a message but the instruction to delete the patron's message `meta.target`
   * from the chat (a password); logged as a system row so the log shows it happened.
   */
  kind?: "text" | "delete";
  /** what produced this reply, kept in the log (e.g. the renewed loan and its dates) */
  meta?: Record<string, unknown>;
}

export interface Handling {
  /** the automated answer (or route) that handled the message, e.g. "hours" */
  handledBy: string;
  replies: Reply[];
  /** the conversation's count of not-understood messages in a row, after this one */
  unknownStreak: number;
  setLanguage?: Language;
  /** the conversation's next dialog step; null ends the dialog; undefined leaves it */
  dialog?: Record<string, unknown> | null;
  /** link the patron to a verified library member, or undo it */
  link?: { memberId: string; method: string } | { unlink: true };
  /** audit events written in the same transaction */
  audit?: AuditEntry[];
  /** mark the inbound message failed (with this error) rather than handled */
  failed?: string;
  /** the librarian handoff: change the conversation's state in the same transaction */
  stateChange?: StateChange;
}

export type StateChange =
  /** bot → waiting for a librarian */
  | { to: "waiting"; reason: string }
  /** waiting/assigned → closed (the patron ended the chat) */
  | { to: "closed"; outcome: string };

export interface RecordedStaffMessage {
  messageId: string;
  seq: number;
  channel: ChannelName;
}

export interface QueuedOutbound {
  id: string;
  seq: number;
  channel: ChannelName;
  chatId: string;
  kind: "text" | "delete";
  text: string;
  buttons?: Button[][];
  requestContact?: string;
  removeKeyboard?: boolean;
  /** for "delete": the channel's id of the message to delete */
  target?: string;
}

/** Separate advisory-lock namespaces so inbound and outbound drains never wait on each other. */
const LOCK_INBOUND = 7301;

export class MessageLog {
  private readonly patronIds = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly cacheSize = 10_000,
  ) {}

  /** Ingress hop: write the patron's message with the next sequence number of its conversation. */
  async recordInbound(msg: InboundMessage): Promise<RecordedInbound> {
    const patronId = await this.patronFor(msg.channel, msg.sender.id, msg.sender.displayName);
    const meta = {
      ...msg.meta,
      senderId: msg.sender.id,
      senderName: msg.sender.displayName,
      ...(msg.sender.languageCode ? { languageCode: msg.sender.languageCode } : {}),
      sentAt: msg.sentAt,
      ...(msg.callbackId ? { callbackId: msg.callbackId } : {}),
      ...(msg.contact ? { contact: msg.contact } : {}),
    };
    // When the bot is waiting for a password, the typed text is a secret: the row gets a marker
    // instead (a command such as /batal is not a secret and stays readable).
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
         SELECT conv.*, (conv.secret IS TRUE AND $4 = 'text' AND left(coalesce($5, ''), 1) <> '/') AS redact
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
      const pending = await this.nextPending(tx, conversationId);
      if (!pending) return null;
      const handling = await handle(pending);
      if (handling.setLanguage) {
        await tx.query(`UPDATE patron SET language = $2 WHERE id = $1`, [
          pending.conversation.patronId,
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

  private async nextPending(tx: Sql, conversationId: number): Promise<PendingInbound | null> {
    const { rows } = await tx.query<{
      id: string;
      seq: number;
      kind: MessageKind;
      text: string | null;
      meta: Record<string, unknown>;
      channel: ChannelName;
      channel_message_id: string | null;
      chat_id: string;
      state: ConversationState;
      unknown_streak: number;
      patron_id: number;
      dialog: Record<string, unknown>;
      language: Language | null;
      display_name: string;
      member_id: string | null;
    }>(
      `SELECT m.id, m.seq, m.kind, m.text, m.meta, m.channel, m.channel_message_id, c.chat_id, c.state, c.unknown_streak, c.patron_id, c.dialog,
              p.language, p.display_name, p.member_id
       FROM message m
       JOIN conversation c ON c.id = m.conversation_id
       JOIN patron p ON p.id = c.patron_id
       WHERE m.conversation_id = $1 AND m.direction = 'in' AND m.status = 'received'
       ORDER BY m.seq LIMIT 1`,
      [conversationId],
    );
    const r = rows[0];
    if (!r) return null;
    const contact = readContact(r.meta.contact);
    // A typed number on a button-less channel presses the button shown with it (shared/buttons.ts).
    const pressed = pressedButton(r.kind, r.text, r.dialog);
    return {
      id: r.id,
      conversationId,
      seq: r.seq,
      kind: pressed?.kind ?? r.kind,
      text: pressed?.text ?? r.text,
      meta: r.meta,
      channel: r.channel,
      chatId: r.chat_id,
      senderId: String(r.meta.senderId ?? ""),
      ...(r.channel_message_id ? { channelMessageId: r.channel_message_id } : {}),
      ...(contact ? { contact } : {}),
      conversation: {
        state: r.state,
        unknownStreak: r.unknown_streak,
        patronId: r.patron_id,
        dialog: r.dialog,
      },
      patron: { language: r.language, displayName: r.display_name, memberId: r.member_id },
    };
  }

  private async applyLink(
    tx: Sql,
    pending: PendingInbound,
    link: NonNullable<Handling["link"]>,
  ): Promise<void> {
    const patronId = pending.conversation.patronId;
    if ("unlink" in link) await unlinkPatron(tx, patronId);
    else await linkPatron(tx, patronId, pending.channel, link.memberId, link.method);
  }

  /** The patron behind a channel identity, created on first contact; cached, bounded. */
  private async patronFor(
    channel: ChannelName,
    externalUserId: string,
    displayName: string,
  ): Promise<number> {
    const cacheKey = `${channel}:${externalUserId}`;
    const cached = this.patronIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = await this.db.query<{ patron_id: number }>(
      `WITH existing AS (
         SELECT patron_id FROM channel_identity WHERE channel = $1 AND external_user_id = $2
       ), created AS (
         INSERT INTO patron (display_name) SELECT $3 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id
       ), linked AS (
         INSERT INTO channel_identity (channel, external_user_id, patron_id)
         SELECT $1, $2, id FROM created ON CONFLICT (channel, external_user_id) DO NOTHING RETURNING patron_id
       )
       SELECT patron_id FROM existing UNION ALL SELECT patron_id FROM linked`,
      [channel, externalUserId, displayName.slice(0, 200)],
    );
    let patronId = found.rows[0]?.patron_id;
    if (patronId === undefined) {
      // Lost a race with another process creating the same identity: read theirs.
      const again = await this.db.query<{ patron_id: number }>(
        `SELECT patron_id FROM channel_identity WHERE channel = $1 AND external_user_id = $2`,
        [channel, externalUserId],
      );
      patronId = again.rows[0]?.patron_id;
      if (patronId === undefined) throw new Error(`could not create patron for ${cacheKey}`);
    }
    if (this.patronIds.size >= this.cacheSize) {
      this.patronIds.delete(this.patronIds.keys().next().value!);
    }
    this.patronIds.set(cacheKey, patronId);
    return patronId;
  }
  /**
   * Console hop: a librarian's reply (or a system notice such as "a librarian joined") with the
   * next sequence number, queued for the channel's egress like a bot reply. A librarian's reply
   * is written only while the conversation is assigned to them (null otherwise). `key` makes a
   * re-sent request idempotent: the same key writes one row.
   */
  async recordStaffMessage(input: {
    conversationId: number;
    staffId: number;
    text: string;
    key: string;
    author: "librarian" | "system";
    /**
     * A notice only makes sense in this state ("you are connected to X" while assigned, "the
     * librarian ended the chat" once closed); if the patron moved on meanwhile it is not written.
     */
    onlyIfState?: ConversationState;
  }): Promise<RecordedStaffMessage | null> {
    return this.db.transaction(async (tx) => {
      const channelKey = `s:${input.conversationId}:${input.key}`;
      // Lock the conversation first: a resend with the same key (a retry after a lost ack) waits
      // here for the first to commit, then finds its row instead of colliding with it.
      const locked = await tx.query<{ channel: ChannelName }>(
        `SELECT channel FROM conversation WHERE id = $1 FOR UPDATE`,
        [input.conversationId],
      );
      if (!locked.rows[0]) return null;
      const existing = await tx.query<{ id: string; seq: number; channel: ChannelName }>(
        `SELECT id, seq, channel FROM message WHERE channel = $1 AND channel_key = $2`,
        [locked.rows[0].channel, channelKey],
      );
      if (existing.rows[0])
        return {
          messageId: existing.rows[0].id,
          seq: existing.rows[0].seq,
          channel: existing.rows[0].channel,
        };
      const bumped = await tx.query<{ last_seq: number; channel: ChannelName }>(
        input.author === "librarian"
          ? `UPDATE conversation SET last_seq = last_seq + 1, last_message_at = now(),
                    first_human_reply_at = coalesce(first_human_reply_at, now())
             WHERE id = $1 AND state = 'assigned' AND assigned_staff_id = $2 RETURNING last_seq, channel`
          : `UPDATE conversation SET last_seq = last_seq + 1
             WHERE id = $1 AND $2::int IS NOT NULL AND ($3::text IS NULL OR state = $3)
             RETURNING last_seq, channel`,
        input.author === "librarian"
          ? [input.conversationId, input.staffId]
          : [input.conversationId, input.staffId, input.onlyIfState ?? null],
      );
      const conv = bumped.rows[0];
      if (!conv) return null;
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO message (conversation_id, seq, direction, author, author_staff_id, kind, text, channel,
                              channel_key, status, handled_by)
         VALUES ($1, $2, 'out', $3, $4, 'text', $5, $6, $7, 'queued', $8)
         RETURNING id`,
        [
          input.conversationId,
          conv.last_seq,
          input.author,
          input.staffId,
          input.text,
          conv.channel,
          channelKey,
          input.author === "librarian" ? "librarian" : "console",
        ],
      );
      return { messageId: rows[0]!.id, seq: conv.last_seq, channel: conv.channel };
    });
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

function readContact(value: unknown): InboundContact | undefined {
  if (!value || typeof value !== "object") return undefined;
  const { phone, isSender } = value as Record<string, unknown>;
  return { phone: typeof phone === "string" ? phone : "", isSender: isSender === true };
}

function replyMeta(r: Reply): Record<string, unknown> {
  return {
    ...r.meta,
    ...(r.buttons ? { buttons: r.buttons } : {}),
    ...(r.requestContact ? { requestContact: r.requestContact } : {}),
    ...(r.removeKeyboard ? { removeKeyboard: true } : {}),
  };
}
