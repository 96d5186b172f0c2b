/**
 * The manifest that travels with an export so it can be verified later without the database:
 * the file's sha256, its row count, the filters, who made it, each row's sha256 (to name the rows
 * that changed), and an HMAC-SHA256 signature over all of it with a key derived from
 * SECRET_BOX_KEY (HKDF, its own label: the export key cannot open secrets, and a forger without
 * the key cannot re-sign an edited file).
 *
 * Row hashes are streamed to a side file while exporting (constant memory); the signature covers
 * the header and a digest of the row hashes in order, so the manifest is written at the end.
 *
 * A transcript (html, pdf) has no rows to cut out of the file: its row hashes are those of the
 * records it prints, each as its JSON Lines row (what `--format jsonl` of the same filters
 * writes), and the file is checked whole by its sha256. docs/audit.md, "Export".
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";

export const MANIFEST_VERSION = 1;

export function manifestKey(secretBoxKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", secretBoxKey, "pustaka-relay", "export manifest v1", 32));
}

export interface ManifestHeader {
  version: number;
  file: string;
  format: string;
  createdAt: string;
  createdBy: string;
  timeZone: string;
  filters: Record<string, unknown>;
  /** the file's bytes before the first row (BOM and CSV header), hashed separately */
  headSha256: string;
  rows: number;
  sha256: string;
  /** sha256 over the row hashes (hex, newline-separated) in file order */
  rowsDigest: string;
}

export interface Manifest extends ManifestHeader {
  signature: string;
  /** absent in a manifest from before row hashes were served over HTTP */
  rowHashes?: string[];
}

/** Formats whose file is a document, not rows: verified by the whole file's hash. */
const DOCUMENT_FORMATS = new Set(["html", "pdf"]);

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** Canonical bytes of the header (fixed key order) for the signature. */
function canonical(h: ManifestHeader): string {
  const ordered: ManifestHeader = {
    version: h.version,
    file: h.file,
    format: h.format,
    createdAt: h.createdAt,
    createdBy: h.createdBy,
    timeZone: h.timeZone,
    filters: Object.fromEntries(Object.entries(h.filters).sort(([a], [b]) => a.localeCompare(b))),
    headSha256: h.headSha256,
    rows: h.rows,
    sha256: h.sha256,
    rowsDigest: h.rowsDigest,
  };
  return JSON.stringify(ordered);
}

export function sign(header: ManifestHeader, key: Buffer): string {
  return createHmac("sha256", key).update(canonical(header)).digest("hex");
}

/** Accumulates the hashes while the file is written. */
export class ManifestBuilder {
  private readonly file = createHash("sha256");
  private readonly digest = createHash("sha256");
  private headHash = sha256("");
  rows = 0;

  head(bytes: string): void {
    this.headHash = sha256(bytes);
    this.file.update(bytes);
  }

  /** Returns the row's hash (hex), to be listed in the manifest. */
  row(bytes: string): string {
    this.file.update(bytes);
    return this.record(bytes);
  }

  /** A transcript's record: hashed and counted, its bytes not the file's (see fileBytes). */
  record(bytes: string): string {
    const hash = sha256(bytes);
    this.digest.update(hash + "\n");
    this.rows++;
    return hash;
  }

  /** A transcript's bytes as they are written, for the file's sha256. */
  fileBytes(chunk: string | Buffer): void {
    this.file.update(chunk);
  }

  header(
    meta: Omit<ManifestHeader, "headSha256" | "rows" | "sha256" | "rowsDigest" | "version">,
  ): ManifestHeader {
    return {
      version: MANIFEST_VERSION,
      ...meta,
      headSha256: this.headHash,
      rows: this.rows,
      sha256: this.file.digest("hex"),
      rowsDigest: this.digest.digest("hex"),
    };
  }
}

/** The manifest's JSON, streamed: header and signature, then the row hashes from `hashes`. */
export async function* manifestChunks(
  header: ManifestHeader,
  key: Buffer,
  hashes: AsyncIterable<string>,
): AsyncGenerator<string> {
  const head = JSON.stringify({ ...header, signature: sign(header, key) });
  yield head.slice(0, -1) + ',"rowHashes":[';
  let first = true;
  for await (const hash of hashes) {
    yield (first ? "\n" : ",\n") + JSON.stringify(hash);
    first = false;
  }
  yield "\n]}\n";
}

export interface VerifyResult {
  ok: boolean;
  problems: string[];
}

/** Split an export file into its head and its rows, as the exporter wrote them. */
async function* fileRows(path: string, format: string): AsyncGenerator<{ head?: string; row?: string }> {
  // Rows end with "\n" (JSONL) or "\r\n" (CSV); a CSV field may hold a newline inside quotes, so
  // a CSV row ends only at a line break outside quotes (an even number of quotes so far).
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let pending = "";
  let quotes = 0;
  let headDone = format !== "csv";
  // readline drops the line ends; re-add them as the exporter wrote them
  for await (const line of lines) {
    const raw = pending ? pending + "\n" + line : line;
    quotes += (line.match(/"/g) ?? []).length;
    if (format === "csv" && quotes % 2 === 1) {
      pending = raw;
      continue;
    }
    pending = "";
    quotes = 0;
    const bytes = raw + (format === "csv" ? "\r\n" : "\n");
    if (!headDone) {
      headDone = true;
      yield { head: bytes };
    } else yield { row: bytes };
  }
  if (pending) yield { row: pending };
}

/**
 * Check an export file against its manifest, with the key: the signature, the whole file's
 * hash, the row count, and each row's hash (naming the rows that differ, 1-based after the head).
 * A transcript (html, pdf) is checked by the signature and the whole file's hash only.
 */
export async function verifyExport(
  filePath: string,
  manifestPath: string,
  key: Buffer,
): Promise<VerifyResult> {
  const problems: string[] = [];
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as Manifest;
  const { signature, rowHashes, ...header } = manifest;
  const expected = Buffer.from(sign(header, key), "hex");
  const given = Buffer.from(String(signature), "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    problems.push("manifest signature does not match (manifest edited, or another key)");
  if (rowHashes) {
    const digest = createHash("sha256");
    for (const h of rowHashes) digest.update(h + "\n");
    if (digest.digest("hex") !== header.rowsDigest)
      problems.push("manifest row hashes do not match its digest");
  }

  const whole = createHash("sha256");
  for await (const chunk of createReadStream(filePath)) whole.update(chunk as Buffer);
  const document = DOCUMENT_FORMATS.has(header.format);
  if (whole.digest("hex") !== header.sha256)
    problems.push(
      document
        ? `file sha256 differs from the manifest: the ${header.format} transcript was changed (checked whole: no row can be named)`
        : "file sha256 differs from the manifest",
    );
  if (document) return { ok: problems.length === 0, problems };

  let n = 0;
  let changed = 0;
  for await (const part of fileRows(filePath, header.format)) {
    if (part.head !== undefined) {
      if (sha256(part.head) !== header.headSha256) problems.push("header line differs");
      continue;
    }
    const hash = sha256(part.row!);
    if (rowHashes && rowHashes[n] !== hash && changed++ < 20)
      problems.push(
        n < rowHashes.length ? `row ${n + 1} differs` : `row ${n + 1} is not in the manifest (added)`,
      );
    n++;
  }
  if (n !== header.rows) problems.push(`file has ${n} rows, manifest says ${header.rows}`);
  return { ok: problems.length === 0, problems };
}
