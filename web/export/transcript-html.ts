/**
 * The transcript as an HTML print view, streamed: every value escaped (patron text is never
 * markup), one table per conversation, the browser's print dialog makes the paper copy.
 */
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

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function start(h: TranscriptHead): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>${escapeHtml(title(h))}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}td,th{border-bottom:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}
td.text{white-space:pre-wrap}tr.event td,tr.note td{color:#555;font-style:italic}
h2{font-size:1.05rem;margin-top:1.5rem}section{break-inside:auto}
@media print{body{margin:0}h2{break-after:avoid}}
</style></head><body>
<h1>${escapeHtml(title(h))}</h1>
<p>${headLines(h).map(escapeHtml).join("<br>\n")}</p>
`;
}

const TABLE_HEAD = `<table><thead><tr><th>#</th><th>Waktu / time</th><th>Oleh / by</th><th>Pesan / message</th></tr></thead><tbody>\n`;
const SECTION_END = "</tbody></table></section>\n";

export function htmlRow(r: ExportRecord, timeZone: string): string {
  return `<tr class="${r.type}"><td>${r.seq ?? ""}</td><td>${escapeHtml(localDateTime(r.at, timeZone))}</td><td>${escapeHtml(authorLabel(r))}</td><td class="text">${escapeHtml(recordText(r))}</td></tr>\n`;
}

export function htmlTranscript(h: TranscriptHead, out: Output): TranscriptWriter {
  let current: number | undefined;
  let started = false;
  const begin = async () => {
    if (started) return;
    started = true;
    await out.write(start(h));
  };
  return {
    async record(r) {
      await begin();
      if (r.conversationId !== current) {
        const close = current === undefined ? "" : SECTION_END;
        current = r.conversationId;
        await out.write(`${close}<section><h2>${escapeHtml(sectionTitle(r))}</h2>\n${TABLE_HEAD}`);
      }
      await out.write(htmlRow(r, h.timeZone));
    },
    async end(rows) {
      await begin();
      await out.write(
        `${current === undefined ? "" : SECTION_END}<p class="count">${escapeHtml(endLine(rows))}</p>\n</body></html>\n`,
      );
    },
  };
}
