/**
 * A notice to a library member on every chat they linked (e.g. "someone is guessing your
 * password"), written as a queued system reply in that chat's open conversation (opened if there
 * is none); the outbound sweeper hands it to the channel's egress within seconds. One statement
 * per chat, so the conversation's sequence number and the row commit together; `key` makes a
 * repeated notice (a retried job) write nothing twice.
 *
 * The chat of a linked identity is its private chat, whose id is the channel's user id
 * (Telegram, WhatsApp, the web chat all key a private chat by the user).
 */
import type { Sql } from "../db";
import type { ChannelName, Language } from "../envelope";

export async function noticeToLinkedChats(
  db: Sql,
  memberId: string,
  key: string,
  text: (lang: Language) => string,
): Promise<number> {
  const { rows: chats } = await db.query<{
    channel: ChannelName;
    chat_id: string;
    patron_id: number;
    language: Language | null;
  }>(
    `SELECT ci.channel, ci.external_user_id AS chat_id, p.id AS patron_id, p.language
     FROM patron p JOIN channel_identity ci ON ci.patron_id = p.id
     WHERE p.member_id = $1 AND ci.verified_at IS NOT NULL`,
    [memberId],
  );
  let written = 0;
  for (const chat of chats) {
    const inserted = await db.query(
      `WITH conv AS (
         INSERT INTO conversation (channel, chat_id, patron_id, last_seq) VALUES ($1, $2, $3, 1)
         ON CONFLICT (channel, chat_id) WHERE state <> 'closed'
         DO UPDATE SET last_seq = conversation.last_seq + 1
         RETURNING id, last_seq
       )
       INSERT INTO message (conversation_id, seq, direction, author, kind, text, meta, channel, channel_key,
                            status, handled_by)
       SELECT conv.id, conv.last_seq, 'out', 'system', 'text', $4, $5::jsonb, $1, $6, 'queued', 'member_notice'
       FROM conv
       ON CONFLICT (channel, channel_key) DO NOTHING`,
      [
        chat.channel,
        chat.chat_id,
        chat.patron_id,
        text(chat.language ?? "id"),
        JSON.stringify({ notice: key, memberId }),
        `n:${key}:${chat.chat_id}`,
      ],
    );
    written += inserted.rowCount ?? 0;
  }
  return written;
}
