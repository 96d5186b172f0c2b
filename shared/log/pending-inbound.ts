import { pressedButton } from "../buttons";
import { type Sql, prepared } from "../db";
import type { ChannelName, ChatType, InboundContact, Language, MessageKind } from "../envelope";
import type { ConversationState } from "../entities/conversation";
import { isPasswordStepExit } from "../secret-box";
import type { PendingInbound } from "./records";

/**
 * The oldest unhandled inbound message of a conversation, with what the relay needs to answer it
 * (conversation state, dialog step, patron). `ORDER BY seq` is what keeps a conversation in order.
 */
export async function nextPendingInbound(tx: Sql, conversationId: number): Promise<PendingInbound | null> {
  const { rows } = await tx.query<PendingRow>(
    // The patron is the sender's (their channel identity), not the conversation's first writer.
    prepared(
      "next_pending_inbound",
      `SELECT m.id, m.seq, m.kind, m.text, m.meta, m.channel, m.channel_message_id, c.chat_id, c.state, c.unknown_streak, c.patron_id, c.dialog,
            ${PENDING_PATRON_COLUMNS}
     FROM message m
     JOIN conversation c ON c.id = m.conversation_id
     ${PENDING_PATRON_JOIN}
     WHERE m.conversation_id = $1 AND m.direction = 'in' AND m.status = 'received'
     ORDER BY m.seq LIMIT 1`,
    ),
    [conversationId],
  );
  const r = rows[0];
  return r ? toPending(r, conversationId) : null;
}

/** A pending message's row: the message, its conversation, its sender's patron. */
export interface PendingRow {
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
  sender_patron_id: number;
  edit_of_redacted: boolean;
  language: Language | null;
  display_name: string;
  member_id: string | null;
}

/** The sender's patron and whether the message edits a redacted one (alias `m`: the message, `c`: its conversation). */
export const PENDING_PATRON_COLUMNS = `p.id AS sender_patron_id, p.language, p.display_name, p.member_id,
            EXISTS (SELECT 1 FROM message o WHERE o.channel = m.channel AND o.channel_key = m.meta->>'editOf'
                      AND o.meta ? 'redacted') AS edit_of_redacted`;
export const PENDING_PATRON_JOIN = `LEFT JOIN channel_identity si ON si.channel = m.channel AND si.external_user_id = m.meta->>'senderId'
     JOIN patron p ON p.id = coalesce(si.patron_id, c.patron_id)`;

export function toPending(r: PendingRow, conversationId: number): PendingInbound {
  const contact = readContact(r.meta.contact);
  const redacted = r.meta.redacted === true;
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
    chat: { type: readChatType(r.meta) },
    senderId: String(r.meta.senderId ?? ""),
    redacted,
    redactWhenHandled:
      !redacted &&
      (r.edit_of_redacted ||
        (r.dialog.secret === true &&
          r.kind !== "callback" &&
          r.text !== null &&
          !isPasswordStepExit(r.text))),
    ...(r.channel_message_id ? { channelMessageId: r.channel_message_id } : {}),
    ...(contact ? { contact } : {}),
    ...(typeof r.meta.senderPhone === "string" ? { senderPhone: r.meta.senderPhone } : {}),
    conversation: {
      state: r.state,
      unknownStreak: r.unknown_streak,
      patronId: r.patron_id,
      dialog: r.dialog,
    },
    patron: {
      id: r.sender_patron_id,
      language: r.language,
      displayName: r.display_name,
      memberId: r.member_id,
    },
  };
}

function readContact(value: unknown): InboundContact | undefined {
  if (!value || typeof value !== "object") return undefined;
  const { phone, isSender } = value as Record<string, unknown>;
  return { phone: typeof phone === "string" ? phone : "", isSender: isSender === true };
}

/**
 * The chat type the ingress recorded. Rows written before it was recorded carry only Telegram's
 * own `chatType`; anything unreadable counts as shared ("group"), so member data stays private.
 */
function readChatType(meta: Record<string, unknown>): ChatType {
  const recorded = (meta.chat as { type?: unknown } | undefined)?.type;
  if (recorded === "private" || recorded === "group" || recorded === "channel") return recorded;
  if (meta.chatType === "private") return "private";
  return meta.chatType === "channel" ? "channel" : "group";
}
