/**
 * Librarians' notes and stored files in the evidence (issue 13, docs/audit.md): a note is chained
 * in its conversation's chain, a file on the `media` chain with its sha256 (not its bytes) and its
 * name behind a salted commitment; verify names an edited, deleted or out-of-band inserted note or
 * file; both tables refuse UPDATE and DELETE, the erasure's own shape too, outside their functions.
 *
 * Tampering runs as a superuser with triggers off inside a transaction that is rolled back.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { Client, Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { chainOnce, type ChainResult } from "../../shared/evidence/chainer";
import { verifyEvidence, type VerifyReport } from "../../shared/evidence/verify";
import { clientDb, writeConversation, type Written } from "../helpers/evidence";
import { testDatabaseUrl } from "../support/services";

describe("tamper evidence: librarians' notes and stored files", () => {
  let client: Client;
  let pool: Pool;
  let conv: Written;
  let staffId: number;
  let noteId: string;
  let mediaId: string;
  const bytes = randomBytes(64);
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  async function chainAll(db = dbFromPool(pool)): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r: ChainResult = await chainOnce(db, { checkpointEveryMs: 0 });
      if (!r.skipped && r.chained === 0) return;
    }
    throw new Error("the chainer did not catch up");
  }

  async function verifyAfter(tamper: (c: Client) => Promise<unknown>): Promise<VerifyReport> {
    await client.query("BEGIN");
    try {
      await client.query("SET LOCAL session_replication_role = replica");
      await tamper(client);
      await client.query("SET LOCAL session_replication_role = origin");
      return await verifyEvidence(clientDb(client), { graceMs: 60_000 });
    } finally {
      await client.query("ROLLBACK");
    }
  }

  async function addNote(conversationId: number, text: string, ageMinutes = 0): Promise<string> {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO staff_note (conversation_id, staff_id, text, created_at)
       VALUES ($1, $2, $3, now() - make_interval(mins => $4)) RETURNING id::text`,
      [conversationId, staffId, text, ageMinutes],
    );
    return rows[0]!.id;
  }

  async function addMedia(file: Buffer, fileName: string | null): Promise<string> {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO media (sha256, mime_type, size, file_name, storage, bytes, created_at)
       VALUES ($1, 'image/jpeg', $2, $3, 'db', $4, now() - interval '1 day') RETURNING id::text`,
      [createHash("sha256").update(file).digest("hex"), file.length, fileName, file],
    );
    return rows[0]!.id;
  }

  before(async () => {
    client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO staff_user (username, display_name, role, password_hash)
       VALUES ($1, 'Siti', 'librarian', 'x') RETURNING id`,
      [`notes-${randomBytes(3).toString("hex")}`],
    );
    staffId = rows[0]!.id;
    conv = await writeConversation(dbFromPool(pool), ["kartu saya hilang", "Baik, kami bantu"], {
      ageDays: 1,
    });
    noteId = await addNote(conv.conversationId, "Pemustaka Budi, HP 0812-3456-7890: kartu diganti", 60);
    mediaId = await addMedia(bytes, "KTP Budi.jpg");
    await chainAll();
  });
  after(async () => {
    await client?.end();
    await pool?.end();
  });

  it("chains a note in its conversation's chain after its messages, a file on the media chain; no text, no name in the evidence", async () => {
    const { rows } = await pool.query<{ source: string; row_id: string; seq: number }>(
      `SELECT source, row_id::text, seq FROM evidence_hash WHERE chain = $1 ORDER BY seq`,
      [`c:${conv.conversationId}`],
    );
    expect(rows.map((r) => [r.source, r.row_id])).to.deep.equal([
      ["message", conv.messageIds[0]],
      ["message", conv.messageIds[1]],
      ["staff_note", noteId],
    ]);
    const { rows: links } = await pool.query<{
      source: string;
      chain: string;
      fields: object;
      salt: boolean;
    }>(
      `SELECT source, chain, fields, content_salt IS NOT NULL AS salt FROM evidence_hash
       WHERE (source = 'staff_note' AND row_id = $1) OR (source = 'media' AND row_id = $2) ORDER BY source`,
      [noteId, mediaId],
    );
    expect(links.map((l) => [l.source, l.chain, l.salt])).to.deep.equal([
      ["media", "media", true],
      ["staff_note", `c:${conv.conversationId}`, true],
    ]);
    const evidence = JSON.stringify(links.map((l) => l.fields));
    expect(evidence).not.to.include("0812").and.not.to.include("KTP");
    expect(links[0]!.fields).to.deep.include({ sha256, size: 64, mime_type: "image/jpeg", storage: "db" });
    const report = await verifyEvidence(dbFromPool(pool));
    expect(report.issues).to.deep.equal([]);
  });

  it("an edited note fails verify and is named (its text, its date)", async () => {
    const text = await verifyAfter((c) =>
      c.query(`UPDATE staff_note SET text = 'Tidak ada masalah' WHERE id = $1`, [noteId]),
    );
    expect(text.issues.map((i) => [i.kind, i.source, i.rowId])).to.deep.equal([
      ["edited", "staff_note", noteId],
    ]);
    expect(text.issues[0]!.detail).to.include(`staff note ${noteId}`).and.include("its text");
    const dated = await verifyAfter((c) =>
      c.query(`UPDATE staff_note SET created_at = created_at - interval '1 day' WHERE id = $1`, [noteId]),
    );
    expect(dated.issues.map((i) => [i.kind, i.rowId])).to.deep.equal([["edited", noteId]]);
    expect(dated.issues[0]!.differs!.map((d) => d.field)).to.deep.equal(["created_at"]);
  });

  it("a deleted note and an out-of-band note are named", async () => {
    const deleted = await verifyAfter((c) => c.query(`DELETE FROM staff_note WHERE id = $1`, [noteId]));
    expect(deleted.issues.map((i) => [i.kind, i.rowId])).to.deep.equal([["deleted", noteId]]);
    expect(deleted.issues[0]!.detail).to.include(`staff note ${noteId}`);
    let forged = "";
    const inserted = await verifyAfter(async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO staff_note (conversation_id, staff_id, text, created_at)
         VALUES ($1, $2, 'Sudah dikonfirmasi kepala perpustakaan', now() - interval '1 hour') RETURNING id::text`,
        [conv.conversationId, staffId],
      );
      forged = rows[0]!.id;
    });
    expect(inserted.issues.map((i) => [i.kind, i.source, i.rowId])).to.deep.equal([
      ["inserted", "staff_note", forged],
    ]);
  });

  it("a file whose bytes, size or name changed is named; so is one deleted or inserted out of band", async () => {
    const swapped = await verifyAfter((c) =>
      c.query(`UPDATE media SET bytes = $2 WHERE id = $1`, [mediaId, randomBytes(64)]),
    );
    expect(swapped.issues.map((i) => [i.kind, i.source, i.rowId])).to.deep.equal([
      ["edited", "media", mediaId],
    ]);
    expect(swapped.issues[0]!.detail).to.include(`media ${mediaId}`).and.include("no longer hash");
    const size = await verifyAfter((c) => c.query(`UPDATE media SET size = 1 WHERE id = $1`, [mediaId]));
    expect(size.issues[0]!.differs).to.deep.equal([{ field: "size", chained: 64, now: 1 }]);
    const renamed = await verifyAfter((c) =>
      c.query(`UPDATE media SET file_name = 'lain.jpg' WHERE id = $1`, [mediaId]),
    );
    expect(renamed.issues[0]!.detail).to.include("its file name");
    const deleted = await verifyAfter((c) => c.query(`DELETE FROM media WHERE id = $1`, [mediaId]));
    expect(deleted.issues.map((i) => [i.kind, i.rowId])).to.deep.equal([["deleted", mediaId]]);
    let forged = "";
    const inserted = await verifyAfter(async (c) => {
      const file = randomBytes(32);
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO media (sha256, mime_type, size, storage, bytes, created_at)
         VALUES ($1, 'application/pdf', 32, 'db', $2, now() - interval '1 hour') RETURNING id::text`,
        [createHash("sha256").update(file).digest("hex"), file],
      );
      forged = rows[0]!.id;
    });
    expect(inserted.issues.map((i) => [i.kind, i.source, i.rowId])).to.deep.equal([
      ["inserted", "media", forged],
    ]);
  });

  it("a file's bytes erased outside erase_media() are named, though the row looks erased", async () => {
    // no name: the commitment alone would not change, only the kept salt tells
    const nameless = await addMedia(randomBytes(20), null);
    await chainAll();
    const report = await verifyAfter((c) =>
      c.query(`UPDATE media SET bytes = NULL, erased_at = now() WHERE id = $1`, [nameless]),
    );
    expect(report.issues.map((i) => [i.kind, i.rowId])).to.deep.equal([["edited", nameless]]);
    expect(report.issues[0]!.detail).to.include("erased outside retention");
  });

  it("notes and files refuse UPDATE and DELETE, the erasure's own shape too, outside their functions", async () => {
    for (const statement of [
      `UPDATE staff_note SET text = 'x' WHERE id = ${noteId}`,
      `UPDATE staff_note SET text = '', erased_at = now() WHERE id = ${noteId}`,
      `DELETE FROM staff_note WHERE id = ${noteId}`,
      `TRUNCATE staff_note CASCADE`,
      `UPDATE media SET bytes = NULL, file_name = NULL, erased_at = now() WHERE id = ${mediaId}`,
      `UPDATE media SET file_name = NULL WHERE id = ${mediaId}`,
      `DELETE FROM media WHERE id = ${mediaId}`,
    ]) {
      await client.query("BEGIN");
      try {
        let error = "";
        await client.query(statement).catch((err: Error) => (error = err.message));
        expect(error, statement).to.match(/append-only/);
      } finally {
        await client.query("ROLLBACK");
      }
    }
  });

  it("several chainers at once, twice over, link every note and file exactly once", async () => {
    const convs = await Promise.all(
      [0, 1, 2].map(() => writeConversation(dbFromPool(pool), ["halo", "Halo!"])),
    );
    const notes = (
      await Promise.all(
        convs.map((c) => Promise.all([1, 2].map((i) => addNote(c.conversationId, `catatan ${i}`)))),
      )
    ).flat();
    const files = await Promise.all([0, 1, 2, 3].map((i) => addMedia(randomBytes(16 + i), `f${i}.jpg`)));
    const pools = [0, 1, 2].map(() => new Pool({ connectionString: testDatabaseUrl(), max: 1 }));
    try {
      for (let round = 0; round < 2; round++)
        await Promise.all(pools.map((p) => chainOnce(dbFromPool(p), { checkpointEveryMs: 0 })));
      await chainAll();
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    const { rows } = await pool.query<{ source: string; row_id: string; n: number }>(
      `SELECT source, row_id::text, count(*)::int AS n FROM evidence_hash
       WHERE (source = 'staff_note' AND row_id = ANY($1::bigint[])) OR (source = 'media' AND row_id = ANY($2::bigint[]))
       GROUP BY 1, 2`,
      [notes, files],
    );
    expect(rows).to.have.length(notes.length + files.length);
    expect(rows.every((r) => r.n === 1)).to.equal(true);
    for (const c of convs) {
      const { rows: chain } = await pool.query<{ source: string }>(
        `SELECT source FROM evidence_hash WHERE chain = $1 ORDER BY seq`,
        [`c:${c.conversationId}`],
      );
      expect(chain.map((x) => x.source)).to.deep.equal(["message", "message", "staff_note", "staff_note"]);
    }
    expect((await verifyEvidence(dbFromPool(pool))).issues).to.deep.equal([]);
  });
});
