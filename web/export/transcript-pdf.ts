/**
 * The transcript as a PDF, with pdfkit rather than printing the HTML in Chromium: the web role has
 * no browser (only WhatsApp's bot role starts one), and pdfkit writes each page out as it is
 * finished, so a month of records never sits in memory. The font is Noto Sans (its Latin subset,
 * from @fontsource/noto-sans, served from node_modules: nothing fetched), which covers
 * Indonesian; characters it lacks (emoji, other scripts) are printed as their code point, e.g.
 * [U+1F44D], so nothing is silently lost.
 */
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { localDateTime } from "../../shared/time/zone";
import type { Output } from "./output";
import type { ExportRecord } from "./records";
import {
  authorLabel,
  endLine,
  headLines,
  recordText,
  sectionTitle,
  title,
  type TranscriptHead,
  type TranscriptWriter,
} from "./transcript";

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

/**
 * pdfkit caches the layout of every distinct word for the document's life: a month of timestamps,
 * names and numbers grew the heap by about 1 KB a record (measured: +230 MB for 200k rows). Its
 * option `fontLayoutCache: false` keeps the heap flat but made the same export four times slower
 * (about 25 s → 106 s), so the cache is kept and emptied every CACHE_RECORDS records instead. The
 * cache is pdfkit's own field: if a version renames it this does nothing, and the 200k-row memory
 * test in audit-export.spec.ts fails.
 */
const CACHE_RECORDS = 1000;
function forgetLayouts(doc: PDFKit.PDFDocument): void {
  const font = (doc as unknown as { _font?: { layoutCache?: unknown } })._font;
  if (font?.layoutCache) font.layoutCache = Object.create(null);
}

function pdfRow(doc: PDFKit.PDFDocument, r: ExportRecord, timeZone: string): void {
  doc
    .fontSize(8)
    .fillColor("#555")
    .text(printable(`${r.seq ?? "-"} · ${localDateTime(r.at, timeZone)} · ${authorLabel(r)}`))
    .fontSize(10)
    .fillColor("#000")
    .text(printable(recordText(r)))
    .moveDown(0.4);
}

export function pdfTranscript(h: TranscriptHead, out: Output): TranscriptWriter {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: printable(title(h)) },
  });
  // pdfkit pushes without waiting: bytes go straight to the output, and the writer waits for the
  // output's 'drain' between records (a page is the most that is written ahead).
  doc.on("data", (chunk: Buffer) => out.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  doc.registerFont("body", FONT);
  doc.font("body");
  doc.fontSize(14).text(printable(title(h)));
  doc.fontSize(9);
  for (const line of headLines(h)) doc.text(printable(line));
  doc.moveDown();
  let current: number | undefined;
  let count = 0;
  return {
    async record(r) {
      if (++count % CACHE_RECORDS === 0) forgetLayouts(doc);
      if (r.conversationId !== current) {
        current = r.conversationId;
        doc
          .moveDown(0.6)
          .fontSize(11)
          .fillColor("#000")
          .text(printable(sectionTitle(r)))
          .moveDown(0.3);
      }
      pdfRow(doc, r, h.timeZone);
      await out.drained();
    },
    async end(rows) {
      doc
        .moveDown()
        .fontSize(9)
        .fillColor("#000")
        .text(printable(endLine(rows)));
      doc.end();
      await finished;
    },
  };
}
