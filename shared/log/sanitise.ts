/**
 * Makes an inbound message storable before the message log writes it. PostgreSQL refuses U+0000
 * in `text` and the escapes `\u0000` / a lone surrogate in `jsonb`, and the pg driver would turn
 * a lone surrogate in `text` into U+FFFD silently. One such string used to fail the row for ever,
 * and with it every update behind it (the poller holds the offset until a batch is recorded).
 *
 * Every string of the message (text, chat id, key, sender, callback data, contact, and every key
 * and string value of meta, at any depth) gets U+0000 and lone surrogates replaced by U+FFFD. When
 * anything changed, the row says so: `meta.sanitised` (SANITISED_META_KEY) maps each altered field
 * ("text", "sender.displayName", "meta.caption.x", ...) to its original as a JSON string literal
 * (`JSON.stringify(original)`), which escapes exactly those characters: `JSON.parse` of it gives
 * the original back, bit for bit.
 */
import type { InboundMessage } from "../envelope";

/** The meta key of a row whose strings were altered to be storable (see the file comment). */
export const SANITISED_META_KEY = "sanitised";

const REPLACEMENT = "\uFFFD";
// U+0000, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(value: string, path: string, altered: Record<string, string>): string {
  UNSTORABLE.lastIndex = 0;
  if (!UNSTORABLE.test(value)) return value;
  altered[path] = JSON.stringify(value);
  return value.replace(UNSTORABLE, REPLACEMENT);
}

function cleanDeep(value: unknown, path: string, altered: Record<string, string>): unknown {
  if (typeof value === "string") return clean(value, path, altered);
  if (Array.isArray(value)) return value.map((v, i) => cleanDeep(v, `${path}.${i}`, altered));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      // The path names the key as stored (a path is itself a key of meta.sanitised).
      const safeKey = key.replace(UNSTORABLE, REPLACEMENT);
      if (safeKey !== key) altered[`${path}.${safeKey}#key`] = JSON.stringify(key);
      out[safeKey] = cleanDeep(v, `${path}.${safeKey}`, altered);
    }
    return out;
  }
  return value;
}

/** The message with every string storable, and `meta.sanitised` when anything had to change. */
export function sanitiseInbound(msg: InboundMessage): InboundMessage {
  const altered: Record<string, string> = {};
  const s = (value: string, path: string) => clean(value, path, altered);
  const sanitised: InboundMessage = {
    ...msg,
    key: s(msg.key, "key"),
    chatId: s(msg.chatId, "chatId"),
    sender: {
      ...msg.sender,
      id: s(msg.sender.id, "sender.id"),
      displayName: s(msg.sender.displayName, "sender.displayName"),
      ...(msg.sender.languageCode !== undefined
        ? { languageCode: s(msg.sender.languageCode, "sender.languageCode") }
        : {}),
    },
    text: msg.text === null ? null : s(msg.text, "text"),
    sentAt: s(msg.sentAt, "sentAt"),
    meta: cleanDeep(msg.meta, "meta", altered) as Record<string, unknown>,
    ...(msg.callbackId !== undefined ? { callbackId: s(msg.callbackId, "callbackId") } : {}),
    ...(msg.channelMessageId !== undefined
      ? { channelMessageId: s(msg.channelMessageId, "channelMessageId") }
      : {}),
    ...(msg.contact ? { contact: { ...msg.contact, phone: s(msg.contact.phone, "contact.phone") } } : {}),
  };
  if (Object.keys(altered).length === 0) return msg;
  return { ...sanitised, meta: { ...sanitised.meta, [SANITISED_META_KEY]: altered } };
}
