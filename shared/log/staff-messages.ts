import type { Db } from "../db";
import type { ChannelName, OutboundAttachment } from "../envelope";
import type { ConversationState } from "../entities/conversation";
import type { RecordedStaffMessage } from "./records";

/**
 * Console hop: a librarian's reply (or a system notice such as "a librarian joined") with the
 * next sequence number, queued for the channel's egress like a bot reply. A librarian's reply
 * is written only while the conversation is assigned to them (null otherwise). `key` makes a
 * re-sent request idempotent: the same key writes one row.
 */
export interface StaffMessageInput {
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
  /**
   * A file sent with the reply (the text is its caption, and may be empty). Kept in the row's
   * meta.attachment — its media id and SHA-256 — so the log says exactly which file went out.
   */
  attachment?: Omit<OutboundAttachment, "bytes">;
}

export async function recordStaffMessage(
  db: Db,
  input: StaffMessageInput,
): Promise<RecordedStaffMessage | null> {
  return db.transaction(async (tx) => {
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
                            channel_key, status, handled_by, meta)
       VALUES ($1, $2, 'out', $3, $4, $9, $5, $6, $7, 'queued', $8, $10::jsonb)
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
        input.attachment ? (input.attachment.mimeType.startsWith("image/") ? "photo" : "document") : "text",
        JSON.stringify(input.attachment ? { attachment: input.attachment } : {}),
      ],
    );
    return { messageId: rows[0]!.id, seq: conv.last_seq, channel: conv.channel };
  });
}
