/**
 * The printable transcript of one conversation: an HTML print view (every value escaped: patron
 * text is never markup) and a PDF. PDF with pdfkit rather than printing the HTML in Chromium: the
 * web role has no browser (only WhatsApp's bot role starts one), and pdfkit streams page by page
 * in a few MB. The font is Noto Sans (its Latin subset, from @fontsource/noto-sans, served from
 * node_modules: nothing fetched), which covers Indonesian; characters it lacks (emoji, other
 * scripts) are printed as their code point, e.g. [U+1F44D], so nothing is silently lost.
 */
import { createRequire } from "node:module";
import type { Writable } from "node:stream";
import PDFDocument from "pdfkit";
import { localDateTime } from "../../shared/time/zone";
import type { ExportRecord } from "./records";

export interface TranscriptHead {
  conversationId: number;
  channel: string;
  memberId: string | null;
  timeZone: string;
  exportedBy: string;
  exportedAt: Date;
}

/** Who said it, as the auditor reads it: patron / bot (answer) / librarian by name / system. */
export function authorLabel(r: ExportRecord): string {
  if (r.type === "event")
    return `event ${r.action ?? ""} (${r.author}${r.authorName ? ` ${r.authorName}` : ""})`;
  if (r.type === "note") return `note by librarian ${r.authorName ?? "?"}`;
  if (r.author === "bot") return `bot (${r.handledBy ?? "?"})`;
  if (r.author === "librarian") return `librarian ${r.authorName ?? "?"}`;
  if (r.author === "patron") return r.authorName ? `patron ${r.authorName}` : "patron";
  return r.author;
}

export function recordText(r: ExportRecord): string {
  if (r.type === "event") return r.detail ?? "";
  const media = r.detail ? ` [file ${r.detail}]` : "";
  return (r.text ?? (r.kind === "text" ? "" : `(${r.kind})`)) + media;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The print view's opening; rows follow with htmlRow(), then HTML_END. */
export function htmlStart(h: TranscriptHead): string {
  const title = `Transkrip percakapan / Conversation transcript #${h.conversationId}`;
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}
td.text{white-space:pre-wrap}tr.event td,tr.note td{color:#555;font-style:italic}
@media print{body{margin:0}}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(`Kanal / channel: ${h.channel} · anggota / member: ${h.memberId ?? "-"} · zona waktu / time zone: ${h.timeZone}`)}<br>
${escapeHtml(`Diekspor oleh / exported by ${h.exportedBy}, ${localDateTime(h.exportedAt, h.timeZone)}`)}</p>
<table><thead><tr><th>#</th><th>Waktu / time</th><th>Oleh / by</th><th>Pesan / message</th></tr></thead><tbody>
`;
}

export function htmlRow(r: ExportRecord, timeZone: string): string {
  return `<tr class="${r.type}"><td>${r.seq ?? ""}</td><td>${escapeHtml(localDateTime(r.at, timeZone))}</td><td>${escapeHtml(authorLabel(r))}</td><td class="text">${escapeHtml(recordText(r))}</td></tr>\n`;
}

export const HTML_END = "</tbody></table></body></html>\n";

const FONT = createRequire(__filename).resolve("@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff");

/** Code points in the font's Latin subset (as @fontsource/noto-sans publishes it). */
function inFont(cp: number): boolean {
  return (
    cp <= 0xff ||
    [
      0x131, 0x152, 0x153, 0x2bb, 0x2bc, 0x2c6, 0x2da, 0x2dc, 0x304, 0x308, 0x329, 0x20ac, 0x2122, 0x2191,
      0x2193, 0x2212, 0x2215, 0xfffd,
    ].includes(cp) ||
    (cp >= 0x2000 && cp <= 0x206f)
  );
}

/** Text the font can draw: what it lacks becomes [U+XXXX] (emoji, other scripts). */
export function printable(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfe0f || cp === 0x200d) continue; // emoji presentation / joiner: invisible
    out += inFont(cp) ? ch : `[U+${cp.toString(16).toUpperCase().padStart(4, "0")}]`;
  }
  return out;
}

/** A PDF document writing into `sink`; add rows with pdfRow(), then doc.end(). */
export function pdfStart(h: TranscriptHead, sink: Writable): PDFKit.PDFDocument {
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: `Transcript #${h.conversationId}` } });
  doc.pipe(sink);
  doc.registerFont("body", FONT);
  doc.font("body");
  doc.fontSize(14).text(`Transkrip percakapan / Conversation transcript #${h.conversationId}`);
  doc
    .fontSize(9)
    .text(
      `Kanal / channel: ${h.channel} · anggota / member: ${h.memberId ?? "-"} · zona waktu / time zone: ${h.timeZone}`,
    )
    .text(
      printable(`Diekspor oleh / exported by ${h.exportedBy}, ${localDateTime(h.exportedAt, h.timeZone)}`),
    )
    .moveDown();
  return doc;
}

export function pdfRow(doc: PDFKit.PDFDocument, r: ExportRecord, timeZone: string): void {
  doc
    .fontSize(8)
    .fillColor("#555")
    .text(printable(`${r.seq ?? "-"} · ${localDateTime(r.at, timeZone)} · ${authorLabel(r)}`))
    .fontSize(10)
    .fillColor("#000")
    .text(printable(recordText(r)))
    .moveDown(0.4);
}
