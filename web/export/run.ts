/**
 * One export, start to end: records from the cursor → formatted rows → the sink (a file, stdout
 * or an HTTP response), waiting on the sink's back-pressure; the hashes on the way; then the
 * manifest and the audit event (who, filters, row count, file hash). Nothing is held but the
 * current batch: row hashes go to a temporary side file, read back into the manifest at the end.
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
import type { ExportFilters, ExportFormat } from "./filters";
import { formatter } from "./formats";
import { ManifestBuilder, manifestChunks, type ManifestHeader } from "./manifest";
import { openRecords, type ExportRecord } from "./records";

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
}

export interface ExportDone {
  exportId: string;
  header: ManifestHeader;
}

/** Write `chunk`, waiting for 'drain' when the sink is full (back-pressure); fails if the sink closes first. */
export async function write(sink: Writable, chunk: string): Promise<void> {
  if (sink.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      sink.off("drain", onDrain);
      sink.off("close", onClose);
      sink.off("error", done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error("the export's reader went away"));
    sink.on("drain", onDrain);
    sink.on("close", onClose);
    sink.on("error", done);
  });
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
  const fmt = formatter(request.format, request.timeZone);
  const builder = new ManifestBuilder();
  const dir = manifestSink ? await mkdtemp(join(tmpdir(), "export-")) : undefined;
  const hashFile = dir ? createWriteStream(join(dir, "rows")) : undefined;
  try {
    const records = await openRecords(deps.pool, request.filters, request.timeZone);
    try {
      builder.head(fmt.head);
      if (fmt.head) await write(sink, fmt.head);
      for await (const record of records as AsyncIterable<ExportRecord>) {
        const line = fmt.row(record);
        const hash = builder.row(line);
        if (hashFile) await write(hashFile, hash + "\n");
        await write(sink, line);
      }
    } finally {
      records.destroy();
    }
    const header = builder.header({
      file: request.fileName,
      format: request.format,
      createdAt: new Date().toISOString(),
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
    await recordAudit(deps.db, [
      {
        actorKind: request.actor.kind,
        actorId: request.actor.id,
        action: "export",
        subject: `export:${exportId}`,
        detail: {
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
