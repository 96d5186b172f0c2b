/**
 * What a file is, from its first bytes rather than its name or the type its sender claims: a
 * librarian's "report.pdf" that is really HTML must not reach a patron as a PDF, and the console
 * must not show a patron's "photo" inline unless it really is an image a browser draws safely.
 */

/** Types the console accepts as a librarian's attachment (PDF and the images every channel shows). */
export const ATTACHABLE_TYPES = ["application/pdf", "image/png", "image/jpeg", "image/webp"] as const;
export type AttachableType = (typeof ATTACHABLE_TYPES)[number];

/** Raster images a browser may show inline (never SVG: it can carry script). */
const INLINE_IMAGES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export type InlineImageType = (typeof INLINE_IMAGES)[number];

const startsWith = (bytes: Uint8Array, magic: number[], at = 0) =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The type the bytes really are, among the ones we treat specially; null for anything else. */
export function sniffType(bytes: Uint8Array): AttachableType | "image/gif" | null {
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  return null;
}

export function attachableType(bytes: Uint8Array): AttachableType | null {
  const type = sniffType(bytes);
  return type && (ATTACHABLE_TYPES as readonly string[]).includes(type) ? (type as AttachableType) : null;
}

/** The image type to serve inline, or null: then the file is only ever a download. */
export function inlineImageType(bytes: Uint8Array): InlineImageType | null {
  const type = sniffType(bytes);
  return type && (INLINE_IMAGES as readonly string[]).includes(type) ? (type as InlineImageType) : null;
}

/** A MIME type as a sender gave it, if it is a plain `type/subtype`; else a neutral one. */
export function plainMimeType(claimed: string | null | undefined): string {
  const t = (claimed ?? "").trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(t)
    ? t
    : "application/octet-stream";
}

/** A file name fit to keep and to offer back: no path, no control characters, at most 200 characters. */
export function plainFileName(name: string | null | undefined): string | null {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  const clean = base
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f"]/g, "")
    .trim()
    .slice(0, 200);
  return clean && clean !== "." && clean !== ".." ? clean : null;
}
