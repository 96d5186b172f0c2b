/**
 * A patron's file from WhatsApp, fetched at intake with the message's own `downloadMedia()`
 * (whatsapp-web.js decrypts it inside WhatsApp Web's page and hands it over as base64). The cap
 * (MEDIA_MAX_BYTES) is kept before downloading when WhatsApp gives the size (`_data.size`): a
 * larger file is never pulled through the browser. WhatsApp cannot stream it to us, so the
 * decoded length is checked again after (a size that was missing or wrong).
 *
 * A file that cannot be had must not hold up intake (the chat's later messages wait behind this
 * one): each try is bounded in time, a few tries at most, then the message goes on with its
 * metadata and the reason (`notStored`).
 */
import type { InboundMedia, InboundMessage, MessageKind } from "../../../shared/envelope";
import { errorMessage } from "../../../shared/errors";
import { delay, withTimeout } from "../../../shared/lifecycle";
import type { WaMessageLike } from "./client";

/** Kinds with a file (a sticker too: a patron may answer with one, and it is small WebP). */
const FILE_KINDS = new Set<MessageKind>(["photo", "document", "voice", "audio", "video", "sticker"]);

/** WhatsApp's own types when it names none (photos are JPEG, voice notes Ogg Opus, stickers WebP). */
const DEFAULT_MIME: Partial<Record<MessageKind, string>> = {
  photo: "image/jpeg",
  voice: "audio/ogg",
  video: "video/mp4",
  sticker: "image/webp",
};

export interface WaFetchOptions {
  maxBytes: number;
  signal: AbortSignal;
  /** a bound on one download (default 60 s): downloadMedia waits on WhatsApp's servers */
  timeoutMs?: number;
  /** tries before the file is given up (default 3) */
  tries?: number;
  /** first backoff between tries (default 200 ms, doubled per try) */
  retryMs?: number;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
/** WhatsApp says "audio/ogg; codecs=opus": the type without its parameters is what we keep. */
const mime = (v: unknown): string | undefined => str(v)?.split(";")[0]!.trim() || undefined;
const size = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;

/** The file of `raw` (already normalised to `message`) when its kind has one; undefined otherwise. */
export async function fetchWhatsAppMedia(
  raw: WaMessageLike,
  message: InboundMessage,
  options: WaFetchOptions,
): Promise<InboundMedia | undefined> {
  if (!raw.hasMedia || !FILE_KINDS.has(message.kind)) return undefined;
  const declared = size(raw._data?.size);
  const described: InboundMedia = {
    mimeType: mime(raw._data?.mimetype) ?? DEFAULT_MIME[message.kind] ?? "application/octet-stream",
    fileName: str(raw._data?.filename) ?? null,
    ...(declared !== undefined ? { size: declared } : {}),
  };
  const tooLarge = (n: number) =>
    `larger than MEDIA_MAX_BYTES (${options.maxBytes} bytes): ${n} bytes; only its description is kept`;
  if (declared !== undefined && declared > options.maxBytes)
    return { ...described, notStored: tooLarge(declared) };
  if (typeof raw.downloadMedia !== "function")
    return { ...described, notStored: "WhatsApp gave no way to download the file" };

  const tries = options.tries ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const media = await withTimeout(
        raw.downloadMedia(),
        options.timeoutMs ?? 60_000,
        "downloading the file from WhatsApp",
      );
      // undefined: WhatsApp has it no more (expired on its servers, or being re-uploaded).
      if (!media?.data) throw new Error("WhatsApp did not give the file (expired or not yet available)");
      const bytes = Buffer.from(media.data, "base64");
      const named: InboundMedia = {
        ...described,
        mimeType: mime(media.mimetype) ?? described.mimeType,
        fileName: str(media.filename) ?? described.fileName,
      };
      if (bytes.length > options.maxBytes)
        return { ...named, size: bytes.length, notStored: tooLarge(bytes.length) };
      return { ...named, size: bytes.length, bytes };
    } catch (err) {
      if (options.signal.aborted) throw err; // shutting down: not the file's failure
      if (attempt >= tries)
        return { ...described, notStored: `the download failed ${attempt} times: ${errorMessage(err)}` };
      await delay((options.retryMs ?? 200) * 2 ** attempt, options.signal);
    }
  }
}
