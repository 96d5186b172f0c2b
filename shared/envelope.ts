/**
 * Our own message envelope. Channel adapters translate their updates into InboundMessage at
 * the edge; nothing past the adapter knows telegraf's or whatsapp-web.js's types.
 */
export const CHANNELS = ["telegram", "whatsapp", "webchat"] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const MESSAGE_KINDS = [
  "text",
  "photo",
  "document",
  "voice",
  "audio",
  "video",
  "video_note",
  "animation",
  "sticker",
  "location",
  "venue",
  "contact",
  "poll",
  "dice",
  /** a button press (Telegram callback_query); text holds the button's data */
  "callback",
  /** the patron edited an earlier message; text holds the new text */
  "edited",
  /** the patron blocked/unblocked the bot, joined or left */
  "member_update",
  /** an update type we do not know; meta.updateType says which */
  "unknown",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export type Language = "id" | "en";

/**
 * Who can read a chat: only the patron and the bot ("private"), several people ("group";
 * Telegram's group and supergroup), or subscribers of a broadcast ("channel"). Member data and
 * every membership action happen only in a private chat (relay/answers: `privateOnly`).
 */
export type ChatType = "private" | "group" | "channel";

export interface InboundMessage {
  channel: ChannelName;
  /**
   * Idempotency key, unique per channel: the same update delivered twice carries the same key
   * (Telegram: `<chat_id>:<message_id>`, or `u<update_id>` for updates that are not messages).
   */
  key: string;
  chatId: string;
  /** what kind of chat the message was written in; an adapter that cannot tell says "group" */
  chat: { type: ChatType };
  sender: {
    id: string;
    displayName: string;
    /** the patron's client language (Telegram language_code), a hint only */
    languageCode?: string;
    /**
     * The sender's own number as the channel vouches for it (WhatsApp's `<digits>@c.us`), `+…`.
     * It finds a member like a shared own contact does; it is never a second factor.
     */
    phone?: string;
  };
  kind: MessageKind;
  /** the text, a caption, or a button's data; null when the message has none */
  text: string | null;
  /** when the channel says the message was sent (ISO 8601) */
  sentAt: string;
  /** JSON-safe channel extras worth keeping in the log (file ids, coordinates, contact, update type) */
  meta: Record<string, unknown>;
  /** set by the adapter when it can answer a button press itself (Telegram callback_query id) */
  callbackId?: string;
  /** the channel's id of this message, where the bot may later delete it (a typed password) */
  channelMessageId?: string;
  /** a shared contact (kind "contact"), set by the adapter: what linking a member needs */
  contact?: InboundContact;
  /** kind "edited": the `key` of the message this edit changes (a redacted password's edit is redacted too) */
  editOf?: string;
  /**
   * The file of a photo, document, voice note… as the adapter fetched it at intake (capped at
   * MEDIA_MAX_BYTES, checked before downloading where the channel gives the size). The ingress
   * stores `bytes` before it records the message; the row's `meta.media` then names the stored
   * file. Without `bytes`, `notStored` says why (too large, the download failed): the message is
   * logged with what is known of the file, nothing else is lost.
   */
  media?: InboundMedia;
}

export interface InboundMedia {
  /** the file's content; absent when it was not fetched (`notStored` says why) */
  bytes?: Buffer;
  /** as the channel says (a patron's claim: the console serves by the sniffed type) */
  mimeType: string;
  fileName: string | null;
  /** the size the channel gave, in bytes, when it gave one */
  size?: number;
  /** why the bytes are not kept, in words a librarian reads, e.g. "larger than MEDIA_MAX_BYTES (…)" */
  notStored?: string;
}

export interface InboundContact {
  /** the phone number as the channel gives it */
  phone: string;
  /** the contact is the sender's own (Telegram: contact.user_id === from.id), not someone else's */
  isSender: boolean;
}

export interface Button {
  text: string;
  /** sent back as the text of a "callback" message when pressed */
  data: string;
}

export interface OutboundMessage {
  channel: ChannelName;
  /** the message log's id of this reply (set by egress): a channel that shows history keys by it */
  logId?: string;
  chatId: string;
  text: string;
  /** inline buttons, in rows (channels without buttons show them as a numbered list) */
  buttons?: Button[][];
  /** a one-time keyboard button that shares the patron's own phone number (Telegram) */
  requestContact?: string;
  /** take away a keyboard shown earlier */
  removeKeyboard?: boolean;
  /**
   * A file to send with the text (a librarian's attachment; the text is its caption). Egress
   * fills `bytes` for channels whose capability `attachments` is "upload" and leaves them out for
   * "link" (the adapter offers its own download link for `mediaId`).
   */
  attachment?: OutboundAttachment;
}

/** A stored file as a reply carries it (the message row's meta.attachment, plus the bytes). */
export interface OutboundAttachment {
  mediaId: string;
  fileName: string;
  /** the type sniffed from the bytes at upload (PDF, PNG, JPEG, WebP) */
  mimeType: string;
  sha256: string;
  size: number;
  /** the file's content, loaded by egress (hash checked) for channels that upload files */
  bytes?: Buffer;
}

/**
 * How far a sent message got, as the channel reports it later (WhatsApp's `message_ack`): the
 * server has it, the patron's device has it, the patron read it, a voice note was played.
 * Only ever raised; a delivery error marks the reply failed instead.
 */
export const DELIVERIES = ["server", "device", "read", "played"] as const;
export type Delivery = (typeof DELIVERIES)[number];

export interface DeliveryReport {
  channel: ChannelName;
  /** the channel's id of the message, as its SentReceipt gave it */
  channelMessageId: string;
  delivery: Delivery | "error";
}

export interface SentReceipt {
  /** the channel's id of the message it delivered */
  channelMessageId: string;
}

/** Longest text one message may carry, per channel; longer replies are split. */
export const TEXT_LIMIT: Record<ChannelName, number> = {
  telegram: 4096,
  whatsapp: 65536,
  webchat: 8000,
};
