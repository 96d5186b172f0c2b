/**
 * A whatsapp-web.js message → our InboundMessage, or the reason it is ignored. Pure.
 *
 * Identity: the sender of a private chat is its chat id. `628…@c.us` carries the number, which
 * becomes `sender.phone` (+628…): WhatsApp vouches that it is the sender's own, so it finds a
 * member the way a shared own contact does on Telegram (the password is still asked). The newer
 * `…@lid` ids hide the number: no phone, linking by member ID + password only.
 * Groups, status updates, broadcasts and channels (newsletters) are not conversations with a
 * patron: ignored, and logged as ignored by the adapter (without their text).
 */
import type { InboundContact, InboundMessage, MessageKind } from "../../../shared/envelope";
import type { WaMessageLike } from "./client";

export type WaInbound =
  | { message: InboundMessage }
  | { ignored: "group" | "status" | "broadcast" | "newsletter" | "own" }
  | { unreadable: string };

/** whatsapp-web.js message types → our kinds; anything else is "unknown" (meta.waType says which). */
const KINDS: Record<string, MessageKind> = {
  chat: "text",
  image: "photo",
  video: "video",
  ptt: "voice",
  audio: "audio",
  document: "document",
  sticker: "sticker",
  location: "location",
  vcard: "contact",
  multi_vcard: "contact",
  poll_creation: "poll",
};

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

/** The number of a `<digits>@c.us` id, as +digits; none for `@lid` and anything else. */
export function phoneOf(waId: string): string | undefined {
  const m = /^(\d{6,15})@c\.us$/.exec(waId);
  return m ? `+${m[1]}` : undefined;
}

export function normaliseWhatsAppMessage(m: WaMessageLike): WaInbound {
  const key = str(m?.id?._serialized);
  const from = str(m?.from);
  if (!key || !from) return { unreadable: "no message id or sender" };
  if (m.fromMe) return { ignored: "own" };
  if (m.isStatus || from === "status@broadcast") return { ignored: "status" };
  if (from.endsWith("@g.us") || str(m.author)) return { ignored: "group" };
  if (from.endsWith("@newsletter")) return { ignored: "newsletter" };
  if (m.broadcast || from.endsWith("@broadcast")) return { ignored: "broadcast" };

  const kind = KINDS[m.type] ?? "unknown";
  const phone = phoneOf(from);
  const notifyName = str(m._data?.notifyName);
  const seconds = num(m.timestamp);
  const at = seconds !== undefined ? new Date(seconds * 1000) : new Date();
  const meta: Record<string, unknown> = {
    chatType: "private",
    waType: m.type,
    ...(m.hasMedia ? { hasMedia: true } : {}),
    ...(from.endsWith("@lid") ? { lid: true } : {}),
    ...contentMeta(m, kind),
  };
  const contact = kind === "contact" ? sharedContact(m, phone) : undefined;
  return {
    message: {
      channel: "whatsapp",
      key,
      chatId: from,
      chat: { type: "private" },
      sender: { id: from, displayName: notifyName ?? phone ?? from, ...(phone ? { phone } : {}) },
      kind,
      // A media message's caption is its text, as on Telegram (the relay reads only text).
      text: str(m.body) ?? null,
      sentAt: (Number.isNaN(at.getTime()) ? new Date() : at).toISOString(),
      meta,
      channelMessageId: key,
      ...(contact ? { contact } : {}),
    },
  };
}

function contentMeta(m: WaMessageLike, kind: MessageKind): Record<string, unknown> {
  if (kind === "location" && m.location)
    return {
      latitude: num(m.location.latitude),
      longitude: num(m.location.longitude),
      title: str(m.location.name),
    };
  if (kind === "contact") return { vCards: (m.vCards ?? []).length };
  return {};
}

/** A contact card is the sender's own only when its WhatsApp number (waid) is the sender's. */
function sharedContact(m: WaMessageLike, senderPhone: string | undefined): InboundContact {
  const waid = /waid=(\d+)/.exec(m.vCards?.[0] ?? m.body ?? "")?.[1];
  const tel = /TEL[^:]*:([+\d\s-]+)/.exec(m.vCards?.[0] ?? m.body ?? "")?.[1]?.trim();
  const phone = waid ? `+${waid}` : (tel ?? "");
  return { phone, isSender: !!waid && !!senderPhone && `+${waid}` === senderPhone };
}
