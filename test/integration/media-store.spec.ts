/**
 * The media store against the real PostgreSQL: one row per distinct file and uploader (a
 * redelivered file stores nothing twice), the cap, and the MEDIA_DIR folder store — the bytes in a
 * file named by their SHA-256, the row without them, and a file changed on disk refused on read.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { MediaStore, sha256Of } from "../../shared/media/store";
import { testDatabaseUrl } from "../support/services";

describe("media store", () => {
  let pool: Pool;
  let dir: string;
  const unique = (tag: string) =>
    Buffer.from(`%PDF-1.4 ${tag} ${process.pid} ${Date.now()} ${Math.random()}`);

  before(() => {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    dir = mkdtempSync(path.join(tmpdir(), "media-"));
  });
  after(async () => {
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a file once per content and uploader, under its sanitised name and type", async () => {
    const store = new MediaStore(dbFromPool(pool), { maxBytes: 1024 });
    const bytes = unique("db");
    const first = await store.put({ bytes, mimeType: "Application/PDF", fileName: "../../etc/x\u0000.pdf" });
    const again = await store.put({ bytes, mimeType: "application/pdf", fileName: "other.pdf" });
    expect(again.id).to.equal(first.id);
    expect(first).to.include({ sha256: sha256Of(bytes), mimeType: "application/pdf", fileName: "x.pdf" });
    const loaded = await store.load(first.id);
    expect(Buffer.compare(loaded!.bytes, bytes)).to.equal(0);
    expect(await store.load("999999999")).to.equal(null);
    expect(await store.load("not-an-id")).to.equal(null);
  });

  it("refuses a file over the cap with a clear error", async () => {
    const store = new MediaStore(dbFromPool(pool), { maxBytes: 10 });
    const err = await store
      .put({ bytes: Buffer.alloc(11), mimeType: "x/y", fileName: null })
      .catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.equal("the file is 11 bytes, more than MEDIA_MAX_BYTES (10)");
  });

  it("MEDIA_DIR: the bytes in a file named by their hash, the row without them; a changed file is refused", async () => {
    const store = new MediaStore(dbFromPool(pool), { maxBytes: 1024, dir });
    const bytes = unique("dir");
    const stored = await store.put({ bytes, mimeType: "application/pdf", fileName: "a.pdf" });
    const file = path.join(dir, stored.sha256.slice(0, 2), stored.sha256);
    expect(Buffer.compare(readFileSync(file), bytes)).to.equal(0);
    const { rows } = await pool.query<{ storage: string; bytes: Buffer | null }>(
      `SELECT storage, bytes FROM media WHERE id = $1`,
      [stored.id],
    );
    expect(rows[0]).to.deep.equal({ storage: "dir", bytes: null });
    expect(Buffer.compare((await store.load(stored.id))!.bytes, bytes)).to.equal(0);

    writeFileSync(file, Buffer.from("tampered"));
    const err = await store.load(stored.id).catch((e: Error) => e);
    expect((err as Error).message).to.contain("do not match their SHA-256");
    const elsewhere = new MediaStore(dbFromPool(pool), { maxBytes: 1024 });
    const missing = await elsewhere.load(stored.id).catch((e: Error) => e);
    expect((missing as Error).message).to.contain("MEDIA_DIR, which is not set here");
  });
});
