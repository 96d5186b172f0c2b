/**
 * The printable transcript's words, shared by its HTML print view (transcript-html.ts) and its PDF
 * (transcript-pdf.ts): the document's head (library, period in the library's zone, filters, who and
 * when, export id), one section per conversation (id, channel, patron, member ID when linked), one
 * entry per record (time in the library's zone, author, text) and the record count at the end.
 * The same records, in the same order, as the CSV and JSON Lines exports (records.ts).
 */
import { localDateTime } from "../../shared/time/zone";
import type { ExportFilters } from "./filters";
import type { ExportRecord } from "./records";

export interface TranscriptHead {
  library: string;
  /** the days asked for; null for one conversation's whole transcript */
  period: { from: string; to: string } | null;
  filters: ExportFilters;
  timeZone: string;
  exportedBy: string;
  exportedAt: Date;
  exportId: string;
}

/** Writes one document: records in order (sections open as the conversation changes), then the end. */
export interface TranscriptWriter {
  record(r: ExportRecord): Promise<void>;
  end(rows: number): Promise<void>;
}

export function title(h: TranscriptHead): string {
  return h.period === null && h.filters.conversation !== undefined
    ? `Transkrip percakapan / Conversation transcript #${h.filters.conversation}`
    : `Transkrip percakapan / Conversation transcripts ${h.period?.from ?? ""} – ${h.period?.to ?? ""}`;
}

/** The lines under the title, Bahasa Indonesia first. */
export function headLines(h: TranscriptHead): string[] {
  const f = h.filters;
  const filters = [
    f.channel && `kanal / channel: ${f.channel}`,
    f.librarian && `pustakawan / librarian: ${f.librarian}`,
    f.memberId && `anggota / member: ${f.memberId}`,
    f.conversation !== undefined && `percakapan / conversation: #${f.conversation}`,
  ].filter(Boolean);
  return [
    `Perpustakaan / library: ${h.library}`,
    h.period
      ? `Periode / period: ${h.period.from} s.d. / to ${h.period.to}, hari penuh / whole days, ${h.timeZone}`
      : `Periode / period: seluruh percakapan / the whole conversation (waktu / times: ${h.timeZone})`,
    `Filter: ${filters.length ? filters.join(" · ") : "tidak ada / none"}`,
    `Dibuat / generated: ${localDateTime(h.exportedAt, h.timeZone)} (${h.timeZone}) oleh / by ${h.exportedBy}`,
    `ID ekspor / export id: ${h.exportId}`,
  ];
}

/** A conversation's section heading, from its first record. */
export function sectionTitle(r: ExportRecord): string {
  const parts = [
    `Percakapan / conversation #${r.conversationId}`,
    `kanal / channel: ${r.channel}`,
    `pemustaka / patron: ${r.patronName ?? "-"}`,
  ];
  if (r.memberId) parts.push(`anggota / member: ${r.memberId}`);
  return parts.join(" · ");
}

export const endLine = (rows: number) => `Jumlah catatan / records: ${rows}`;

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
