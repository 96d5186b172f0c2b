/**
 * A patron's file from Telegram, fetched at intake: getFile, then the file download URL, both
 * through telegraf's client (its apiRoot, so the fake Bot API serves tests). The cap
 * (MEDIA_MAX_BYTES) is respected before anything is downloaded — Telegram gives file_size in
 * the message and again in getFile — and while downloading, in case a size was missing or wrong.
 *
 * A file that cannot be had is no reason to hold up intake: after a few tries the message goes
 * on with its metadata and the reason (`notStored`); the file id stays in the row's meta.
 * The download URL holds the bot token: it is never logged or kept.
 */
import { TelegramError, type Telegram } from "telegraf";
import type { InboundMedia, InboundMessage, MessageKind } from "../../../shared/envelope";
import { delay } from "../../../shared/lifecycle";
import { errorMessage } from "../../../shared/errors";

/** Kinds whose file is worth keeping (stickers and the like are not). */
const FILE_KINDS = new Set<MessageKind>([
  "photo",
  "document",
  "voice",
  "audio",
  "video",
  "video_note",
  "animation",
]);

/** Telegram's own type for what it does not name (photos are always JPEG). */
const DEFAULT_MIME: Partial<Record<MessageKind, string>> = {
  photo: "image/jpeg",
  voice: "audio/ogg",
  video_note: "video/mp4",
};

export interface FetchOptions {
  maxBytes: number;
  signal: AbortSignal;
  /** a bound on one download (default 60 s) */
  timeoutMs?: number;
  /** tries of a transient failure before the file is given up (default 3) */
  tries?: number;
}

/** The file of `message`, when its kind has one; undefined otherwise. */
export async function fetchTelegramMedia(
  telegram: Telegram,
  message: InboundMessage,
  options: FetchOptions,
): Promise<InboundMedia | undefined> {
  if (!FILE_KINDS.has(message.kind)) return undefined;
  const meta = message.meta;
  const fileId = typeof meta.fileId === "string" ? meta.fileId : undefined;
  const described: InboundMedia = {
    mimeType:
      (typeof meta.mimeType === "string" && meta.mimeType) ||
      DEFAULT_MIME[message.kind] ||
      "application/octet-stream",
    fileName: typeof meta.fileName === "string" ? meta.fileName : null,
    ...(typeof meta.fileSize === "number" ? { size: meta.fileSize } : {}),
  };
  if (!fileId) return { ...described, notStored: "Telegram gave no file id" };
  const tooLarge = (size: number) =>
    `larger than MEDIA_MAX_BYTES (${options.maxBytes} bytes): ${size} bytes; only its description is kept`;
  if (described.size !== undefined && described.size > options.maxBytes)
    return { ...described, notStored: tooLarge(described.size) };

  const tries = options.tries ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const file = await telegram.getFile(fileId);
      if (file.file_size !== undefined && file.file_size > options.maxBytes)
        return { ...described, size: file.file_size, notStored: tooLarge(file.file_size) };
      const url = await telegram.getFileLink(file);
      const bytes = await download(url, options);
      if (bytes === "too large")
        return { ...described, notStored: tooLarge(file.file_size ?? options.maxBytes + 1) };
      return { ...described, size: bytes.length, bytes };
    } catch (err) {
      if (options.signal.aborted) throw err; // shutting down: the update is delivered again
      // Telegram refuses for good (a file over its 20 MB bot limit, an unknown file id): say so.
      const refused = err instanceof TelegramError && err.code >= 400 && err.code < 500 && err.code !== 429;
      if (refused || attempt >= tries)
        return {
          ...described,
          notStored: `${refused ? "Telegram refused the file" : `the download failed ${attempt} times`}: ${redactToken(errorMessage(err))}`,
        };
      await delay(200 * 2 ** attempt, options.signal);
    }
  }
}

/** The bytes at `url`, read at most up to the cap ("too large" beyond it). */
async function download(url: URL, options: FetchOptions): Promise<Buffer | "too large"> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 60_000)]);
  const res = await fetch(url, { signal });
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`file download answered ${res.status}`);
  }
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > options.maxBytes) {
    await res.body.cancel().catch(() => undefined);
    return "too large";
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > options.maxBytes) return "too large"; // leaving the loop cancels the download
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** A fetch error may quote the URL, which holds the bot token. */
function redactToken(message: string): string {
  return message.replace(/bot\d+:[A-Za-z0-9_-]+/g, "bot<token>");
}
