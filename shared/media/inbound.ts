/**
 * A patron's file at ingress: stored (shared/media/store.ts), and the message's `meta.media`
 * naming it — `{ id, sha256, size, mimeType, fileName }` — or, when its bytes are not kept,
 * `{ notStored, mimeType, fileName, size }` with the reason. The bytes leave the message here:
 * everything past the ingress sees only JSON.
 */
import type { InboundMessage } from "../envelope";
import { AppError } from "../errors";
import { plainFileName, plainMimeType } from "./sniff";
import type { MediaStore } from "./store";

export async function withStoredMedia(store: MediaStore, message: InboundMessage): Promise<InboundMessage> {
  const { media, ...rest } = message;
  if (!media) return message;
  const described = {
    mimeType: plainMimeType(media.mimeType),
    fileName: plainFileName(media.fileName),
    ...(media.size !== undefined ? { size: media.size } : {}),
  };
  let meta: Record<string, unknown>;
  if (!media.bytes) {
    meta = { ...described, notStored: media.notStored ?? "the channel gave no file" };
  } else {
    try {
      const stored = await store.put({
        bytes: media.bytes,
        mimeType: media.mimeType,
        fileName: media.fileName,
      });
      meta = {
        id: stored.id,
        sha256: stored.sha256,
        size: stored.size,
        mimeType: described.mimeType,
        fileName: described.fileName,
      };
    } catch (err) {
      // Over the cap (an adapter that could not know the size beforehand): metadata only.
      if (!(err instanceof AppError && err.code === "MEDIA_TOO_LARGE")) throw err;
      meta = { ...described, size: media.bytes.length, notStored: err.message };
    }
  }
  return { ...rest, meta: { ...rest.meta, media: meta } };
}
