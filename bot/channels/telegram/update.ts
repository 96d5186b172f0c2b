/**
 * Telegram update → our InboundMessage. Pure, and defensive: updates arrive as JSON from the
 * network, so every field is checked rather than trusted; an unknown or odd update becomes a
 * message of kind "unknown" (logged, answered politely) instead of an exception.
 */
import type { ChatType, InboundContact, InboundMessage, MessageKind } from "../../../shared/envelope";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const id = (v: unknown): string | undefined => {
  const n = num(v);
  return n !== undefined ? String(n) : str(v);
};

/** Message content types, most specific first (an animation also carries a document). */
const CONTENT_KINDS: Array<[field: string, kind: MessageKind]> = [
  ["text", "text"],
  ["animation", "animation"],
  ["photo", "photo"],
  ["video_note", "video_note"],
  ["video", "video"],
  ["voice", "voice"],
  ["audio", "audio"],
  ["document", "document"],
  ["sticker", "sticker"],
  ["venue", "venue"],
  ["location", "location"],
  ["contact", "contact"],
  ["poll", "poll"],
  ["dice", "dice"],
];

/** Fields every message has; the first other field names an unknown message type. */
const MESSAGE_FRAME = new Set([
  "message_id",
  "message_thread_id",
  "from",
  "sender_chat",
  "date",
  "chat",
  "edit_date",
  "entities",
  "caption_entities",
  "reply_to_message",
  "forward_origin",
  "forward_from",
  "forward_date",
  "is_topic_message",
  "has_protected_content",
  "via_bot",
  "author_signature",
]);

/**
 * Telegram's chat type → ours. Anything but a private chat is shared with other people, and a
 * type we do not know (or an update without its chat) is treated as shared: member data must
 * never go where we cannot tell who reads it.
 */
export function chatTypeOf(type: unknown): ChatType {
  if (type === "private") return "private";
  if (type === "channel") return "channel";
  return "group";
}

export function normaliseTelegramUpdate(update: unknown): InboundMessage | null {
  const u = obj(update);
  const updateId = num(u?.update_id);
  if (!u || updateId === undefined) return null;
  const message = obj(u.message);
  if (message) return fromMessage(message, "message");
  const edited = obj(u.edited_message);
  if (edited) return fromMessage(edited, "edited_message");
  const callback = obj(u.callback_query);
  if (callback) return fromCallback(callback);
  const member = obj(u.my_chat_member);
  if (member) return fromMemberUpdate(member, updateId);
  return fromOther(u, updateId);
}

function sender(from: Json | undefined, chat: Json | undefined): InboundMessage["sender"] | undefined {
  const who = from ?? chat;
  const senderId = id(who?.id);
  if (!who || senderId === undefined) return undefined;
  const name = [str(who.first_name), str(who.last_name)].filter(Boolean).join(" ") || str(who.title) || "";
  const languageCode = str(from?.language_code);
  return {
    id: senderId,
    displayName: name || str(who.username) || senderId,
    ...(languageCode ? { languageCode } : {}),
  };
}

/** A date Telegram gives in seconds; one outside what a Date holds (a forged update) reads as now. */
function sentAt(seconds: number | undefined): string {
  const at = new Date((seconds ?? Date.now() / 1000) * 1000);
  return Number.isNaN(at.getTime()) ? new Date().toISOString() : at.toISOString();
}

function fromMessage(m: Json, field: "message" | "edited_message"): InboundMessage | null {
  const chat = obj(m.chat);
  const chatId = id(chat?.id);
  const messageId = num(m.message_id);
  const who = sender(obj(m.from), chat);
  if (chatId === undefined || messageId === undefined || !who) return null;
  const [kind, contentField] = contentKind(m);
  const meta: Json = { chatType: str(chat?.type) ?? "unknown", messageId, ...contentMeta(m, kind) };
  if (kind === "unknown") meta.messageType = contentField;
  const text = str(m.text) ?? str(m.caption) ?? null;
  if (field === "edited_message") {
    const editDate = num(m.edit_date) ?? 0;
    return {
      channel: "telegram",
      key: `${chatId}:${messageId}:e${editDate}`,
      chatId,
      chat: { type: chatTypeOf(chat?.type) },
      editOf: `${chatId}:${messageId}`,
      sender: who,
      kind: "edited",
      text,
      sentAt: sentAt(editDate || num(m.date)),
      meta: { ...meta, editedKind: kind },
    };
  }
  const contact = kind === "contact" ? sharedContact(obj(m.contact), who.id) : undefined;
  return {
    channel: "telegram",
    key: `${chatId}:${messageId}`,
    chatId,
    chat: { type: chatTypeOf(chat?.type) },
    sender: who,
    kind,
    text,
    sentAt: sentAt(num(m.date)),
    meta,
    channelMessageId: String(messageId),
    ...(contact ? { contact } : {}),
  };
}

/** A shared contact is the sender's own only when Telegram says it belongs to the sender's user id. */
function sharedContact(c: Json | undefined, senderId: string): InboundContact {
  const contactUserId = id(c?.user_id);
  return {
    phone: str(c?.phone_number) ?? "",
    isSender: contactUserId !== undefined && contactUserId === senderId,
  };
}

function contentKind(m: Json): [MessageKind, string | undefined] {
  for (const [field, kind] of CONTENT_KINDS) if (m[field] !== undefined) return [kind, field];
  return ["unknown", Object.keys(m).find((k) => !MESSAGE_FRAME.has(k))];
}

/** What is worth keeping of non-text content: ids to fetch it later, never the bytes. */
function contentMeta(m: Json, kind: MessageKind): Json {
  switch (kind) {
    case "photo": {
      const sizes = Array.isArray(m.photo) ? m.photo.map(obj).filter((p): p is Json => !!p) : [];
      const largest = sizes[sizes.length - 1];
      return {
        fileId: str(largest?.file_id),
        width: num(largest?.width),
        height: num(largest?.height),
        fileSize: num(largest?.file_size),
      };
    }
    case "document":
    case "audio":
    case "voice":
    case "video":
    case "video_note":
    case "animation": {
      const f = obj(m[kind]);
      return {
        fileId: str(f?.file_id),
        fileName: str(f?.file_name),
        mimeType: str(f?.mime_type),
        fileSize: num(f?.file_size),
        duration: num(f?.duration),
      };
    }
    case "sticker": {
      const s = obj(m.sticker);
      return { fileId: str(s?.file_id), emoji: str(s?.emoji) };
    }
    case "location":
    case "venue": {
      const loc = obj(m.location) ?? obj(obj(m.venue)?.location);
      return {
        latitude: num(loc?.latitude),
        longitude: num(loc?.longitude),
        title: str(obj(m.venue)?.title),
      };
    }
    case "contact": {
      const c = obj(m.contact);
      return {
        phoneNumber: str(c?.phone_number),
        contactUserId: id(c?.user_id),
        contactName: [str(c?.first_name), str(c?.last_name)].filter(Boolean).join(" "),
      };
    }
    case "poll":
      return { question: str(obj(m.poll)?.question) };
    case "dice":
      return { emoji: str(obj(m.dice)?.emoji), value: num(obj(m.dice)?.value) };
    default:
      return {};
  }
}

function fromCallback(q: Json): InboundMessage | null {
  const callbackId = str(q.id);
  const from = obj(q.from);
  const message = obj(q.message);
  const chatId = id(obj(message?.chat)?.id) ?? id(from?.id);
  const who = sender(from, undefined);
  if (!callbackId || chatId === undefined || !who) return null;
  return {
    channel: "telegram",
    key: `cb:${callbackId}`,
    chatId,
    // A button without its message (an inline-mode button) names no chat: shared, to be safe.
    chat: { type: chatTypeOf(obj(message?.chat)?.type) },
    sender: who,
    kind: "callback",
    text: str(q.data) ?? null,
    sentAt: new Date().toISOString(),
    meta: { chatType: str(obj(message?.chat)?.type) ?? "private", buttonMessageId: num(message?.message_id) },
    callbackId,
  };
}

function fromMemberUpdate(m: Json, updateId: number): InboundMessage | null {
  const chat = obj(m.chat);
  const chatId = id(chat?.id);
  const who = sender(obj(m.from), chat);
  if (chatId === undefined || !who) return null;
  return {
    channel: "telegram",
    key: `u${updateId}`,
    chatId,
    chat: { type: chatTypeOf(chat?.type) },
    sender: who,
    kind: "member_update",
    text: null,
    sentAt: sentAt(num(m.date)),
    meta: {
      status: str(obj(m.new_chat_member)?.status) ?? "unknown",
      chatType: str(chat?.type) ?? "unknown",
    },
  };
}

/** Any other update: kept if it names a user (their private chat id is their user id). */
function fromOther(u: Json, updateId: number): InboundMessage | null {
  const updateType = Object.keys(u).find((k) => k !== "update_id");
  const body = updateType ? obj(u[updateType]) : undefined;
  const from = obj(body?.from) ?? obj(body?.user);
  const chat = obj(body?.chat);
  const chatId = id(chat?.id) ?? id(from?.id);
  const who = sender(from, chat);
  if (chatId === undefined || !who) return null;
  return {
    channel: "telegram",
    key: `u${updateId}`,
    chatId,
    // Without a chat, the update names a user: their private chat id is their user id.
    chat: { type: chat ? chatTypeOf(chat.type) : "private" },
    sender: who,
    kind: "unknown",
    text: null,
    sentAt: new Date().toISOString(),
    meta: { updateType: updateType ?? "unknown", chatType: str(chat?.type) ?? "unknown", notAMessage: true },
  };
}

/** Which chat an update belongs to, for keeping one chat's updates in order. */
export function updateChatKey(update: unknown): string {
  let normalised: InboundMessage | null = null;
  try {
    normalised = normaliseTelegramUpdate(update);
  } catch {
    // unreadable: the adapter dead-letters it; it must not hold up the rest of its batch
  }
  return normalised ? normalised.chatId : `update:${String(obj(update)?.update_id)}`;
}
