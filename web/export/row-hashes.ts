/**
 * The row hashes of an export's manifest served over HTTP, recomputed when it is asked for.
 *
 * Why recompute rather than keep them: 200k rows are 13 MB of hashes, too much for the audit
 * event (which holds the signed header, and is chained evidence); a table for them is a schema
 * change; and a file in DATA_DIR is not there for another web process on another machine (a
 * split deployment shares the database, not a disk). The records are the same rows read the
 * same way (one deterministic order, only those before the export's start: records.ts), so the
 * hashes come out the same, and the
 * stored row count and rowsDigest (signed) prove it: if the records changed since (retention
 * erased text, a delivery status moved, a later event fell in an open period) the digest differs
 * and the manifest is refused with EXPORT_RECORDS_CHANGED rather than served with hashes that
 * do not belong to the file. The file's sha256 in the audit event is still the proof it is whole.
 *
 * Constant memory: hashes are spooled to a temporary file while the digest is checked, then
 * streamed into the manifest.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { Pool } from "pg";
import { isTranscript, parseFilters, type ExportFormat } from "./filters";
import { formatter } from "./formats";
import { ManifestBuilder, manifestChunks, type ManifestHeader } from "./manifest";
import { write } from "./output";
import { openRecords, type ExportRecord } from "./records";

export class ExportRecordsChangedError extends Error {
  readonly code = "EXPORT_RECORDS_CHANGED";
}

/** The signed manifest with its row hashes, as a stream of JSON; throws before any byte if they no longer match. */
export async function servedManifest(pool: Pool, header: ManifestHeader, key: Buffer): Promise<Readable> {
  const format = header.format as ExportFormat;
  const fmt = formatter(isTranscript(format) ? "jsonl" : format, header.timeZone);
  const dir = await mkdtemp(join(tmpdir(), "export-manifest-"));
  try {
    const spool = createWriteStream(join(dir, "rows"));
    const builder = new ManifestBuilder();
    // the same rows: those the export could see when it started (records.ts, `until`)
    const records = await openRecords(
      pool,
      parseFilters(header.filters),
      header.timeZone,
      new Date(header.createdAt),
    );
    try {
      for await (const record of records as AsyncIterable<ExportRecord>)
        await write(spool, builder.record(fmt.row(record)) + "\n");
    } finally {
      records.destroy();
      spool.end();
      await once(spool, "close");
    }
    const { rows, rowsDigest } = builder.header({ ...header });
    if (rows !== header.rows || rowsDigest !== header.rowsDigest)
      throw new ExportRecordsChangedError(
        `the records of this export changed since it was made (${header.rows} rows then, ${rows} now, or their ` +
          "content: retention, a delivery status, a later event); its row hashes cannot be recomputed. " +
          "The file's sha256 in the manifest's audit event still proves the file whole.",
      );
    const hashes = createInterface({ input: createReadStream(join(dir, "rows")), crlfDelay: Infinity });
    async function* body() {
      try {
        yield* manifestChunks(header, key, hashes);
      } finally {
        hashes.close();
        await rm(dir, { recursive: true, force: true });
      }
    }
    return Readable.from(body());
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
