/**
 * The one writer of `media`: files patrons send (ingress) and files librarians attach (console),
 * read back by egress (to send) and the console (to show). Files are evidence, like the message
 * log: a row is never changed or deleted (migrations/1764900000000-Media.ts).
 *
 * Where the bytes live is the store's business, behind this one interface: in the row (`bytea`,
 * the default) or, with MEDIA_DIR, in a file named by its SHA-256 (written and synced before its
 * row, so a row never points at nothing; a file without a row is harmless). Every read checks the
 * hash, so a file changed on disk is refused, not served.
 *
 * Stored once per distinct file and uploader: the same bytes again (a redelivered update) give
 * the same row, whatever name they came with — unless retention erased that row's bytes
 * (`erased_at`): then they are stored anew.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { MediaStorage } from "../entities/media";
import { plainFileName, plainMimeType } from "./sniff";

export interface StoredMedia {
  id: string;
  sha256: string;
  mimeType: string;
  size: number;
  fileName: string | null;
  /** the librarian who uploaded it; null for a patron's file */
  uploadedByStaffId: number | null;
}

export interface NewMedia {
  bytes: Buffer;
  mimeType: string;
  fileName: string | null;
  /** a librarian's upload (console); absent for a patron's file */
  staffId?: number;
}

export interface MediaStoreOptions {
  /** largest file kept (MEDIA_MAX_BYTES) */
  maxBytes: number;
  /** MEDIA_DIR: keep the bytes in files here instead of in PostgreSQL */
  dir?: string | undefined;
}

type MediaRow = {
  id: string;
  sha256: string;
  mime_type: string;
  size: number;
  file_name: string | null;
  uploaded_by_staff_id: number | null;
};
const COLUMNS = "id, sha256, mime_type, size, file_name, uploaded_by_staff_id";

export const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export class MediaStore {
  readonly maxBytes: number;
  private readonly dir: string | undefined;
  private dirReady: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    options: MediaStoreOptions,
  ) {
    this.maxBytes = options.maxBytes;
    this.dir = options.dir ? path.resolve(options.dir) : undefined;
  }

  /** MEDIA_DIR (absolute), when the bytes are kept there: retention removes erased files from it */
  get directory(): string | undefined {
    return this.dir;
  }

  get storage(): MediaStorage {
    return this.dir ? "dir" : "db";
  }

  /** Keep a file (idempotent per content and uploader). Throws MEDIA_TOO_LARGE over the cap. */
  async put(file: NewMedia): Promise<StoredMedia> {
    if (file.bytes.length > this.maxBytes)
      throw new AppError(
        "MEDIA_TOO_LARGE",
        `the file is ${file.bytes.length} bytes, more than MEDIA_MAX_BYTES (${this.maxBytes})`,
      );
    const sha256 = sha256Of(file.bytes);
    if (this.dir) await this.writeFile(sha256, file.bytes);
    const params = [
      sha256,
      plainMimeType(file.mimeType),
      file.bytes.length,
      plainFileName(file.fileName),
      this.storage,
      this.dir ? null : file.bytes,
      file.staffId ?? null,
    ];
    // Two writers of the same new file at once: the loser's SELECT may not see the winner's row
    // yet (one snapshot); the second round does.
    for (let round = 0; round < 2; round++) {
      const { rows } = await this.db.query<MediaRow>(
        `WITH ins AS (
           INSERT INTO media (sha256, mime_type, size, file_name, storage, bytes, uploaded_by_staff_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (sha256, uploaded_by_staff_id) WHERE erased_at IS NULL DO NOTHING
           RETURNING ${COLUMNS}
         )
         SELECT ${COLUMNS} FROM ins
         UNION ALL
         SELECT ${COLUMNS} FROM media WHERE sha256 = $1 AND uploaded_by_staff_id IS NOT DISTINCT FROM $7 AND erased_at IS NULL
         LIMIT 1`,
        params,
      );
      if (rows[0]) return toStored(rows[0]);
    }
    throw new Error(`media ${sha256} neither inserted nor found`);
  }

  /** What is known of a file, without its bytes; null when there is no such file. */
  async info(id: string): Promise<StoredMedia | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const { rows } = await this.db.query<MediaRow>(`SELECT ${COLUMNS} FROM media WHERE id = $1`, [id]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** A file and its bytes (hash checked); null when there is no such file (or it was erased). Throws MEDIA_UNREADABLE. */
  async load(id: string): Promise<{ media: StoredMedia; bytes: Buffer } | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const { rows } = await this.db.query<
      MediaRow & { storage: MediaStorage; bytes: Buffer | null; erased: boolean }
    >(`SELECT ${COLUMNS}, storage, bytes, erased_at IS NOT NULL AS erased FROM media WHERE id = $1`, [id]);
    const row = rows[0];
    // Bytes erased by retention or a member's erasure: there is no file any more.
    if (!row || row.erased) return null;
    let bytes: Buffer;
    if (row.storage === "db") bytes = row.bytes!;
    else {
      if (!this.dir)
        throw new AppError("MEDIA_UNREADABLE", `media ${id} is kept in MEDIA_DIR, which is not set here`);
      try {
        bytes = await readFile(this.fileFor(row.sha256));
      } catch (err) {
        throw new AppError("MEDIA_UNREADABLE", `media ${id}: its file in MEDIA_DIR cannot be read`, {
          cause: err,
        });
      }
    }
    if (sha256Of(bytes) !== row.sha256)
      throw new AppError("MEDIA_UNREADABLE", `media ${id}: the stored bytes do not match their SHA-256`);
    return { media: toStored(row), bytes };
  }

  private fileFor(sha256: string): string {
    return path.join(this.dir!, sha256.slice(0, 2), sha256);
  }

  /** Write, sync, then rename into place: a crash leaves a whole file or none. */
  private async writeFile(sha256: string, bytes: Buffer): Promise<void> {
    const target = this.fileFor(sha256);
    this.dirReady ??= mkdir(this.dir!, { recursive: true, mode: 0o700 }).then(() => undefined);
    await this.dirReady;
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}

function toStored(r: MediaRow): StoredMedia {
  return {
    id: String(r.id),
    sha256: r.sha256,
    mimeType: r.mime_type,
    size: r.size,
    fileName: r.file_name,
    uploadedByStaffId: r.uploaded_by_staff_id,
  };
}
