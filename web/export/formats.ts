/**
 * Records → bytes, one row at a time: CSV (UTF-8 with a BOM so Excel reads it as UTF-8, one row
 * per record, csv-stringify) or JSON Lines. Times are stored UTC and shown both ways: `at_utc`
 * (ISO 8601) and `at_local` in the library's zone, so an auditor needs no conversion.
 */
import { stringify } from "csv-stringify/sync";
import { localDateTime } from "../../shared/time/zone";
import type { ExportFormat } from "./filters";
import type { ExportRecord } from "./records";

export const CSV_COLUMNS = [
  "conversation_id",
  "seq",
  "type",
  "id",
  "at_utc",
  "at_local",
  "channel",
  "direction",
  "author",
  "author_name",
  "member_id",
  "kind",
  "text",
  "handled_by",
  "status",
  "delivery",
  "action",
  "detail",
] as const;

export const BOM = "\uFEFF";

function cells(r: ExportRecord, timeZone: string): (string | number)[] {
  return [
    r.conversationId,
    r.seq ?? "",
    r.type,
    r.id,
    r.at.toISOString(),
    localDateTime(r.at, timeZone),
    r.channel,
    r.direction ?? "",
    r.author,
    r.authorName ?? "",
    r.memberId ?? "",
    r.kind,
    r.text ?? "",
    r.handledBy ?? "",
    r.status ?? "",
    r.delivery ?? "",
    r.action ?? "",
    r.detail ?? "",
  ];
}

export interface RowFormatter {
  /** bytes before the first row (the BOM and header line for CSV) */
  head: string;
  row(r: ExportRecord): string;
  contentType: string;
  extension: string;
}

export function formatter(format: ExportFormat, timeZone: string): RowFormatter {
  if (format === "csv")
    return {
      head: BOM + stringify([[...CSV_COLUMNS]], { record_delimiter: "\r\n" }),
      row: (r) => stringify([cells(r, timeZone)], { record_delimiter: "\r\n" }),
      contentType: "text/csv; charset=utf-8",
      extension: "csv",
    };
  return {
    head: "",
    row: (r) => {
      const values = cells(r, timeZone);
      return (
        JSON.stringify(
          Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, values[i] === "" ? null : values[i]])),
        ) + "\n"
      );
    },
    contentType: "application/x-ndjson; charset=utf-8",
    extension: "jsonl",
  };
}
