/**
 * Messages the library sends first (due-date reminders, announcements: docs/reminders.md),
 * written as a queued system reply in the chat's open conversation (opened if there is none),
 * like a member notice (./member-notices.ts); the caller requests the channel's drain after its
 * transaction commits, and the outbound sweeper does it if the process dies before. Called inside
 * the caller's transaction, right after it inserted the row that makes the message once-only
 * (`reminder_sent`, `announcement_recipient`), so the key and the message commit together.
 */
import type { Sql } from "../db";
import type { ChannelName } from "../envelope";

export interface ProactiveMessage {
  channel: ChannelName;
  chatId: string;
  patronId: number;
  text: string;
  /** unique per channel: the row's channel key (a repeat writes nothing) */
  key: string;
  /** what wrote it (`reminder`, `announcement`): the row's handled_by, shown to librarians */
  handledBy: string;
  meta: Record<string, unknown>;
}

export interface QueuedProactive {
  conversationId: number;
  messageId: string;
}

export async function queueProactiveMessage(
  tx: Sql,
  message: ProactiveMessage,
): Promise<QueuedProactive | null> {
  const { rows } = await tx.query<{ conversation_id: number; id: string }>(
    `WITH conv AS (
       INSERT INTO conversation (channel, chat_id, patron_id, last_seq) VALUES ($1, $2, $3, 1)
       ON CONFLICT (channel, chat_id) WHERE state <> 'closed'
       DO UPDATE SET last_seq = conversation.last_seq + 1
       RETURNING id, last_seq
     )
     INSERT INTO message (conversation_id, seq, direction, author, kind, text, meta, channel, channel_key,
                          status, handled_by)
     SELECT conv.id, conv.last_seq, 'out', 'system', 'text', $4, $5::jsonb, $1, $6, 'queued', $7
     FROM conv
     ON CONFLICT (channel, channel_key) DO NOTHING
     RETURNING conversation_id, id::text`,
    [
      message.channel,
      message.chatId,
      message.patronId,
      message.text,
      JSON.stringify(message.meta),
      message.key,
      message.handledBy,
    ],
  );
  const row = rows[0];
  return row ? { conversationId: row.conversation_id, messageId: row.id } : null;
}
