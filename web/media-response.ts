/**
 * How the web role hands out a stored file (a patron's, or a librarian's attachment), to staff
 * (web/console/media-api.ts) and to the web chat widget (web/webchat/media.ts) alike. Shown
 * inline only when its bytes really are a PNG, JPEG, WebP or GIF (served as that type); anything
 * else — SVG and HTML above all, whatever type the sender claimed — only as a download
 * (`Content-Disposition: attachment`). Always `nosniff`, never cached, and a CSP that runs
 * nothing, so even a file opened directly cannot act as a page of our origin.
 */
import type { FastifyReply } from "fastify";
import { inlineImageType } from "../shared/media/sniff";
import type { StoredMedia } from "../shared/media/store";

export function sendStoredFile(
  reply: FastifyReply,
  loaded: { media: StoredMedia; bytes: Buffer },
): FastifyReply {
  const inline = inlineImageType(loaded.bytes);
  const name = loaded.media.fileName ?? `file-${loaded.media.id}`;
  return reply
    .header("cache-control", "private, no-store")
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "default-src 'none'; sandbox")
    .header("content-type", inline ?? loaded.media.mimeType)
    .header("content-disposition", contentDisposition(inline ? "inline" : "attachment", name))
    .send(loaded.bytes);
}

/** RFC 6266: an ASCII fallback and the exact name in UTF-8. */
function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\;]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
