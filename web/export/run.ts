/**
 * One export, start to end: records from the cursor → formatted rows or a printable transcript →
 * the sink (a file, stdout or an HTTP response), waiting on the sink's back-pressure; the hashes on
 * the way; then the manifest and the audit event (who, filters, row count, file hash). Nothing is
 * held but the current batch: row hashes go to a temporary side file, read back into the
 * manifest at the end.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import type { Pool } from "pg";
import { recordAudit } from "../../shared/audit";
import type { Sql } from "../../shared/db";
import { isTranscript, type ExportFilters, type ExportFormat } from "./filters";
import { formatter } from "./formats";
import { ManifestBuilder, manifestChunks, type ManifestHeader } from "./manifest";
import { Output, write } from "./output";
import { openRecords, type ExportRecord } from "./records";
import type { TranscriptHead, TranscriptWriter } from "./transcript";
import { htmlTranscript } from "./transcript-html";
import { pdfTranscript } from "./transcript-pdf";

export { write } from "./output";

export interface ExportRequest {
  filters: ExportFilters;
  format: ExportFormat;
  timeZone: string;
  /** who: "staff:<id>" or "cli:<user>" */
  actor: { kind: "staff" | "system"; id: string; label: string };
  /** the file name recorded in the manifest */
  fileName: string;
  /** given by a caller that names the export before it is done (HTTP's x-export-id) */
  exportId?: string;
  /** the library's name, on a transcript's first page (LIBRARY_NAME) */
  library?: string;
  /**
   * One conversation's whole transcript: no period on its head, and its audit event is
   * `export.transcript` on that conversation (so it shows in the conversation's own records).
   */
  wholeConversation?: boolean;
}

export interface ExportDone {
  exportId: string;
  header: ManifestHeader;
}

/**
 * Run an export into `sink` (not ended here: a caller may add more) and, when `manifestSink` is
 * given, the full manifest with the row hashes into it. Records the audit event.
 */
export async function runExport(
  deps: { pool: Pool; db: Sql; manifestKey: Buffer },
  request: ExportRequest,
  sink: Writable,
  manifestSink?: Writable,
): Promise<ExportDone> {
  const exportId = request.exportId ?? randomUUID();
  const builder = new ManifestBuilder();
  const dir = manifestSink ? await mkdtemp(join(tmpdir(), "export-")) : undefined;
  const hashFile = dir ? createWriteStream(join(dir, "rows")) : undefined;
  const createdAt = new Date();
  try {
    const records = await openRecords(deps.pool, request.filters, request.timeZone, createdAt);
    try {
      const iterable = records as AsyncIterable<ExportRecord>;
      if (isTranscript(request.format)) {
        // a transcript's row hashes are its records' JSON Lines rows (manifest.ts)
        const jsonl = formatter("jsonl", request.timeZone);
        const head: TranscriptHead = {
          library: request.library ?? "Perpustakaan",
          period: request.wholeConversation ? null : { from: request.filters.from, to: request.filters.to },
          filters: request.filters,
          timeZone: request.timeZone,
          exportedBy: request.actor.label,
          exportedAt: createdAt,
          exportId,
        };
        const out = new Output(sink, (chunk) => builder.fileBytes(chunk));
        const doc: TranscriptWriter =
          request.format === "pdf" ? pdfTranscript(head, out) : htmlTranscript(head, out);
        for await (const record of iterable) {
          const hash = builder.record(jsonl.row(record));
          if (hashFile) await write(hashFile, hash + "\n");
          await doc.record(record);
        }
        await doc.end(builder.rows);
      } else {
        const fmt = formatter(request.format, request.timeZone);
        builder.head(fmt.head);
        if (fmt.head) await write(sink, fmt.head);
        for await (const record of iterable) {
          const line = fmt.row(record);
          const hash = builder.row(line);
          if (hashFile) await write(hashFile, hash + "\n");
          await write(sink, line);
        }
      }
    } finally {
      records.destroy();
    }
    const header = builder.header({
      file: request.fileName,
      format: request.format,
      createdAt: createdAt.toISOString(),
      createdBy: request.actor.label,
      timeZone: request.timeZone,
      filters: { ...request.filters },
    });
    if (hashFile && manifestSink) {
      hashFile.end();
      await once(hashFile, "close");
      const lines = createInterface({ input: createReadStream(join(dir!, "rows")), crlfDelay: Infinity });
      for await (const chunk of manifestChunks(header, deps.manifestKey, lines))
        await write(manifestSink, chunk);
    }
    const whole = request.wholeConversation && request.filters.conversation !== undefined;
    await recordAudit(deps.db, [
      {
        actorKind: request.actor.kind,
        actorId: request.actor.id,
        action: whole ? "export.transcript" : "export",
        subject: whole ? `conversation:${request.filters.conversation}` : `export:${exportId}`,
        detail: {
          exportId,
          format: request.format,
          filters: request.filters,
          rows: header.rows,
          sha256: header.sha256,
          file: request.fileName,
          manifest: header,
        },
      },
    ]);
    return { exportId, header };
  } finally {
    hashFile?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
