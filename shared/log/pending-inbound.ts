import { pressedButton } from "../buttons";
import type { Sql } from "../db";
import type { ChannelName, InboundContact, Language, MessageKind } from "../envelope";
import type { ConversationState } from "../entities/conversation";
import type { PendingInbound } from "./records";

/**
 * The oldest unhandled inbound message of a conversation, with what the relay needs to answer it
 * (conversation state, dialog step, patron). `ORDER BY seq` is what keeps a conversation in order.
 */
export async function nextPendingInbound(tx: Sql, conversationId: number): Promise<PendingInbound | null> {
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

function readContact(value: unknown): InboundContact | undefined {
  if (!value || typeof value !== "object") return undefined;
  const { phone, isSender } = value as Record<string, unknown>;
  return { phone: typeof phone === "string" ? phone : "", isSender: isSender === true };
}
