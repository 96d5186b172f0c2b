/**
 * Retention and erasure (issue 13, docs/audit.md) against this run's PostgreSQL and Redis: old
 * rows lose their personal data and recent ones keep it, the statistics stay the same,
 * audit:verify still passes, both are audit events; the append-only trigger still refuses an
 * ordinary UPDATE of text; the daily run is a BullMQ job scheduler in the library's zone.
 * Notes' text, patrons' files' bytes (in PostgreSQL and in MEDIA_DIR) and dead letters' raw
 * updates go too, counted in the events; an ordinary UPDATE of a file's bytes is still refused.
 */
import { createHash, randomBytes } from "node:crypto";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { Client, Pool } from "pg";
import { dbFromPool, type Db } from "../../shared/db";
import { chainOnce } from "../../shared/evidence/chainer";
import {
  erasePatron,
  RETENTION_QUEUE,
  RetentionScheduler,
  runRetention,
} from "../../shared/evidence/retention";
import { verifyEvidence } from "../../shared/evidence/verify";
import { silentLogger } from "../../shared/logger";
import { MediaStore } from "../../shared/media/store";
import { writeConversation, type Written } from "../helpers/evidence";
import { testDatabaseUrl, testRedisUrl, uniquePrefix } from "../support/services";

describe("retention: anonymising old personal data, erasure on request", () => {
  let pool: Pool;
  let db: Db;
  let old: Written;
  let recent: Written;
  let member: Written;
  let staffId: number;
  let oldNote: string;
  let recentNote: string;
  /** a patron's file only an old message shows; one an old and a recent message show; a librarian's */
  const files: Record<"old" | "resent" | "librarians", { id: string; bytes: Buffer }> = {} as never;
  const deadLetters: Record<"old" | "recent", string> = {} as never;

  async function chainAll(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r = await chainOnce(db, { checkpointEveryMs: 0 });
      if (!r.skipped && r.chained === 0) return;
    }
    throw new Error("the chainer did not catch up");
  }

  /** What a service report counts, per conversation: messages by day, direction, author, kind, answer. */
  async function statistics(conversationIds: number[]): Promise<unknown[]> {
    const { rows } = await pool.query(
      `SELECT m.conversation_id, date_trunc('day', m.created_at AT TIME ZONE 'Asia/Jakarta')::text AS day, m.direction,
              m.author, m.kind, m.handled_by, m.status, count(*)::int AS n
       FROM message m WHERE m.conversation_id = ANY($1::int[])
       GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
      [conversationIds],
    );
    return rows;
  }

  before(async () => {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    db = dbFromPool(pool);
    old = await writeConversation(
      db,
      ["nama saya Budi Santoso, HP 0812-3456-7890", "Halo Budi", "ini nomor saya"],
      {
        ageDays: 40,
        displayName: "Budi Santoso",
        phone: "+6281234567890",
      },
    );
    recent = await writeConversation(db, ["jam buka?", "08.00–16.00"], {
      ageDays: 1,
      displayName: "Sari Dewi",
    });
    await pool.query(
      `INSERT INTO channel_identity (channel, external_user_id, patron_id) VALUES ('whatsapp', $1, $2)`,
      [`6281234567890-${old.patronId}@c.us`, old.patronId],
    );
    const { rows: staff } = await pool.query<{ id: number }>(
      `INSERT INTO staff_user (username, display_name, role, password_hash) VALUES ($1, 'Siti', 'librarian', 'x') RETURNING id`,
      [`retention-${randomBytes(3).toString("hex")}`],
    );
    staffId = staff[0]!.id;
    const note = async (conversationId: number, text: string, age: string) =>
      (
        await pool.query<{ id: string }>(
          `INSERT INTO staff_note (conversation_id, staff_id, text, created_at) VALUES ($1, $2, $3, now() - $4::interval)
           RETURNING id::text`,
          [conversationId, staffId, text, age],
        )
      ).rows[0]!.id;
    oldNote = await note(old.conversationId, "Budi minta kartu baru, HP 0812-3456-7890", "40 days");
    recentNote = await note(recent.conversationId, "Sari menanyakan jam buka", "1 day");
    const file = async (name: keyof typeof files, uploader: number | null) => {
      const bytes = randomBytes(48);
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO media (sha256, mime_type, size, file_name, storage, bytes, uploaded_by_staff_id, created_at)
         VALUES ($1, 'image/jpeg', 48, $2, 'db', $3, $4, now() - interval '40 days') RETURNING id::text`,
        [createHash("sha256").update(bytes).digest("hex"), `KTP Budi ${name}.jpg`, bytes, uploader],
      );
      files[name] = { id: rows[0]!.id, bytes };
    };
    await file("old", null);
    await file("resent", null);
    await file("librarians", staffId);
    // Messages showing them, as ingress and the console write them (meta.media / meta.attachment).
    const show = async (w: Written, seq: number, meta: object, age: string) => {
      await pool.query(
        `INSERT INTO message (conversation_id, seq, direction, author, kind, meta, channel, channel_key, status, created_at)
         VALUES ($1, $2, 'in', 'patron', 'photo', $3, 'test', $4, 'handled', now() - $5::interval)`,
        [w.conversationId, seq, JSON.stringify(meta), `retention-file-${w.conversationId}-${seq}`, age],
      );
      await pool.query(`UPDATE conversation SET last_seq = $2 WHERE id = $1`, [w.conversationId, seq]);
    };
    await show(old, 4, { media: { id: files.old.id } }, "40 days");
    await show(old, 5, { media: { id: files.resent.id } }, "40 days");
    await show(recent, 3, { media: { id: files.resent.id } }, "1 day");
    const deadLetter = async (age: string) =>
      (
        await pool.query<{ id: string }>(
          `INSERT INTO dead_letter (channel, channel_key, reason, error, payload, created_at)
           VALUES ('telegram', $1, 'unreadable', 'no message', $2, now() - $3::interval) RETURNING id::text`,
          [`retention-${randomBytes(4).toString("hex")}`, '{"message":{"from":{"first_name":"Budi"}}}', age],
        )
      ).rows[0]!.id;
    deadLetters.old = await deadLetter("40 days");
    deadLetters.recent = await deadLetter("1 day");
    await chainAll();
  });
  after(() => pool?.end());

  it("anonymises rows older than RETENTION_DAYS, keeps recent ones, keeps the statistics and verify passing", async () => {
    const before = await statistics([old.conversationId, recent.conversationId]);
    const result = await runRetention(db, 30);
    expect(result.messages).to.be.at.least(3);
    expect(result.patrons).to.be.at.least(1);

    const { rows: oldRows } = await pool.query<{
      id: string;
      text: string | null;
      meta: object;
      channel_key: string;
    }>(`SELECT id::text, text, meta, channel_key FROM message WHERE conversation_id = $1 ORDER BY seq`, [
      old.conversationId,
    ]);
    for (const r of oldRows) {
      expect(r.text).to.equal(null);
      expect(r.meta).to.deep.equal({ anonymised: true });
      expect(r.channel_key).to.equal(`anon:${r.id}`);
    }
    const everything = JSON.stringify(
      (
        await pool.query(
          `SELECT p.*, i.*, c.chat_id FROM patron p LEFT JOIN channel_identity i ON i.patron_id = p.id
           JOIN conversation c ON c.patron_id = p.id WHERE p.id = $1`,
          [old.patronId],
        )
      ).rows,
    );
    expect(everything).not.to.match(/Budi|6281234567890|evidence-/);
    const { rows: salts } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM evidence_hash WHERE source = 'message' AND row_id = ANY($1::bigint[]) AND content_salt IS NOT NULL`,
      [old.messageIds],
    );
    expect(salts[0]!.n).to.equal(0);

    const { rows: recentRows } = await pool.query<{ text: string }>(
      `SELECT text FROM message WHERE conversation_id = $1 ORDER BY seq`,
      [recent.conversationId],
    );
    // (the third: a photo, no text)
    expect(recentRows.map((r) => r.text)).to.deep.equal(["jam buka?", "08.00–16.00", null]);
    const { rows: name } = await pool.query(`SELECT display_name FROM patron WHERE id = $1`, [
      recent.patronId,
    ]);
    expect(name[0]!.display_name).to.equal("Sari Dewi");

    expect(await statistics([old.conversationId, recent.conversationId])).to.deep.equal(before);
    await chainAll(); // the retention audit event
    expect((await verifyEvidence(db)).issues).to.deep.equal([]);
    const { rows: events } = await pool.query(
      `SELECT detail FROM audit_event WHERE action = 'retention_anonymised' ORDER BY id DESC LIMIT 1`,
    );
    expect(events[0]!.detail).to.include({
      days: 30,
      messages: result.messages,
      notes: result.notes,
      files: result.files,
      deadLetters: result.deadLetters,
    });
  });

  it("erases old notes' text, the bytes of patrons' files only old messages show, old dead letters; keeps the rest", async () => {
    // (the run above did it; the counts are at least ours: the run's database is shared)
    const { rows: notes } = await pool.query<{ id: string; text: string; erased: boolean }>(
      `SELECT id::text, text, erased_at IS NOT NULL AS erased FROM staff_note WHERE id = ANY($1::bigint[]) ORDER BY created_at`,
      [[oldNote, recentNote]],
    );
    expect(notes.map((n) => [n.id, n.text, n.erased])).to.deep.equal([
      [oldNote, "", true],
      [recentNote, "Sari menanyakan jam buka", false],
    ]);
    const { rows: media } = await pool.query<{
      id: string;
      bytes: Buffer | null;
      file_name: string | null;
      sha256: string;
      size: number;
      mime_type: string;
      erased: boolean;
    }>(
      `SELECT id::text, bytes, file_name, sha256, size, mime_type, erased_at IS NOT NULL AS erased FROM media
       WHERE id = ANY($1::bigint[])`,
      [[files.old.id, files.resent.id, files.librarians.id]],
    );
    const byId = new Map(media.map((m) => [m.id, m]));
    expect(byId.get(files.old.id)).to.deep.include({ bytes: null, file_name: null, erased: true, size: 48 });
    expect(byId.get(files.old.id)!.sha256).to.equal(
      createHash("sha256").update(files.old.bytes).digest("hex"),
    );
    expect(byId.get(files.resent.id)).to.deep.include({ bytes: files.resent.bytes, erased: false });
    expect(byId.get(files.librarians.id)).to.deep.include({ bytes: files.librarians.bytes, erased: false });
    const { rows: salts } = await pool.query<{ source: string; salt: boolean }>(
      `SELECT source, content_salt IS NOT NULL AS salt FROM evidence_hash
       WHERE (source = 'media' AND row_id = $1) OR (source = 'staff_note' AND row_id = $2) ORDER BY source`,
      [files.old.id, oldNote],
    );
    expect(salts).to.deep.equal([
      { source: "media", salt: false },
      { source: "staff_note", salt: false },
    ]);
    const { rows: letters } = await pool.query<{ id: string }>(
      `SELECT id::text FROM dead_letter WHERE id = ANY($1::bigint[])`,
      [[deadLetters.old, deadLetters.recent]],
    );
    expect(letters.map((l) => l.id)).to.deep.equal([deadLetters.recent]);
    // The same file sent again after its bytes were erased is stored anew, with its bytes.
    const again = await new MediaStore(db, { maxBytes: 1000 }).put({
      bytes: files.old.bytes,
      mimeType: "image/jpeg",
      fileName: "lagi.jpg",
    });
    expect(again.id).not.to.equal(files.old.id);
    expect((await new MediaStore(db, { maxBytes: 1000 }).load(again.id))!.bytes).to.deep.equal(
      files.old.bytes,
    );
    expect(await new MediaStore(db, { maxBytes: 1000 }).load(files.old.id)).to.equal(null);
    await chainAll();
    expect((await verifyEvidence(db)).issues).to.deep.equal([]);
  });

  it("a second run changes nothing and records nothing", async () => {
    const { rows: a } = await pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'retention_anonymised'`,
    );
    expect(await runRetention(db, 30)).to.include({
      messages: 0,
      patrons: 0,
      notes: 0,
      files: 0,
      deadLetters: 0,
    });
    const { rows: b } = await pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'retention_anonymised'`,
    );
    expect(b[0]!.n).to.equal(a[0]!.n);
  });

  it("an ordinary UPDATE of text is still refused, even one shaped like the anonymising one", async () => {
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      for (const statement of [
        `UPDATE message SET text = 'diubah' WHERE id = $1`,
        `UPDATE message SET text = NULL WHERE id = $1`,
        `UPDATE message SET text = NULL, meta = anonymised_meta(meta), channel_key = 'anon:' || id WHERE id = $1`,
        `UPDATE media SET bytes = NULL, file_name = NULL, erased_at = now() WHERE id = ${files.resent.id} AND $1::bigint > 0`,
        `UPDATE media SET bytes = '\\x00' WHERE id = ${files.resent.id} AND $1::bigint > 0`,
        `UPDATE staff_note SET text = '', erased_at = now() WHERE id = ${recentNote} AND $1::bigint > 0`,
      ]) {
        await client.query("BEGIN");
        try {
          const error = await client.query(statement, [recent.messageIds[0]]).then(
            () => "",
            (err: Error) => err.message,
          );
          expect(error, statement).to.match(/append-only/);
        } finally {
          await client.query("ROLLBACK");
        }
      }
    } finally {
      await client.end();
    }
  });

  it("an admin's erasure of a member anonymises all their messages, of any age, and is an audit event", async () => {
    const memberId = `20991${Date.now() % 100000}`;
    member = await writeConversation(db, ["saya mau perpanjang", "Sudah diperpanjang"], {
      displayName: "Rina",
    });
    await pool.query(`UPDATE patron SET member_id = $1 WHERE id = $2`, [memberId, member.patronId]);
    // A note on the conversation; a file of hers kept in MEDIA_DIR; one another patron sent too.
    const note = await pool.query<{ id: string }>(
      `INSERT INTO staff_note (conversation_id, staff_id, text) VALUES ($1, $2, 'Rina: alamat Jl. Melati 3') RETURNING id::text`,
      [member.conversationId, staffId],
    );
    const dir = await mkdtemp(path.join(tmpdir(), "retention-media-"));
    const store = new MediaStore(db, { maxBytes: 1000, dir });
    const hers = await store.put({
      bytes: randomBytes(40),
      mimeType: "application/pdf",
      fileName: "KTP Rina.pdf",
    });
    const shared = await store.put({ bytes: randomBytes(41), mimeType: "image/png", fileName: "brosur.png" });
    const onDisk = (sha256: string) =>
      access(path.join(dir, sha256.slice(0, 2), sha256)).then(
        () => true,
        () => false,
      );
    const show = async (w: Written, seq: number, id: string) => {
      await pool.query(
        `INSERT INTO message (conversation_id, seq, direction, author, kind, meta, channel, channel_key, status)
         VALUES ($1, $2, 'in', 'patron', 'document', $3, 'test', $4, 'handled')`,
        [w.conversationId, seq, JSON.stringify({ media: { id } }), `erasure-file-${w.conversationId}-${seq}`],
      );
      await pool.query(`UPDATE conversation SET last_seq = $2 WHERE id = $1`, [w.conversationId, seq]);
    };
    // She had opted in to reminders and had one (its key names her member ID).
    await pool.query(`INSERT INTO reminder_preference (patron_id, enabled) VALUES ($1, true)`, [
      member.patronId,
    ]);
    await pool.query(
      `INSERT INTO reminder_sent (member_id, loan_id, due_date, kind, patron_id) VALUES ($1, 7, '2026-12-04', 'before:3', $2)`,
      [memberId, member.patronId],
    );
    await show(member, 3, hers.id);
    await show(member, 4, shared.id);
    const other = await writeConversation(db, ["brosur ini?"], { displayName: "Tono" });
    await show(other, 2, shared.id);
    await chainAll();
    const admin = await pool.query<{ id: number }>(
      `INSERT INTO staff_user (username, display_name, role, password_hash) VALUES ($1, 'Admin', 'admin', 'x') RETURNING id`,
      [`erasure-admin-${memberId}`],
    );
    const result = await erasePatron(db, { memberId }, admin.rows[0]!.id, { mediaDir: dir });
    expect(result).to.deep.equal({
      patronId: member.patronId,
      messages: 4,
      conversations: 1,
      notes: 1,
      files: 1,
    });
    const { rows } = await pool.query(`SELECT text FROM message WHERE conversation_id = $1`, [
      member.conversationId,
    ]);
    expect(rows.map((r) => r.text)).to.deep.equal([null, null, null, null]);
    const { rows: n } = await pool.query(`SELECT text FROM staff_note WHERE id = $1`, [note.rows[0]!.id]);
    expect(n[0]!.text).to.equal("");
    expect(await store.load(hers.id)).to.equal(null);
    expect(await onDisk(hers.sha256), "her file, gone from MEDIA_DIR").to.equal(false);
    expect((await store.load(shared.id))!.media.fileName).to.equal("brosur.png");
    expect(await onDisk(shared.sha256), "the file another patron sent too").to.equal(true);
    await rm(dir, { recursive: true, force: true });
    const { rows: p } = await pool.query(`SELECT display_name, member_id FROM patron WHERE id = $1`, [
      member.patronId,
    ]);
    expect(p[0]).to.deep.equal({ display_name: "", member_id: null });
    const { rows: reminders } = await pool.query(
      `SELECT (SELECT count(*)::int FROM reminder_sent WHERE member_id = $1 OR patron_id = $2) AS keys,
              (SELECT count(*)::int FROM reminder_preference WHERE patron_id = $2) AS prefs`,
      [memberId, member.patronId],
    );
    expect(reminders[0], "her reminder keys and opt-in").to.deep.equal({ keys: 0, prefs: 0 });
    const { rows: events } = await pool.query(
      `SELECT actor_kind, actor_id, detail FROM audit_event WHERE action = 'member_erased' AND subject = $1`,
      [`patron:${member.patronId}`],
    );
    expect(events).to.deep.equal([
      {
        actor_kind: "staff",
        actor_id: String(admin.rows[0]!.id),
        detail: { messages: 4, conversations: 1, notes: 1, files: 1 },
      },
    ]);
    expect(await erasePatron(db, { memberId }, admin.rows[0]!.id)).to.equal(null);
    await chainAll();
    expect((await verifyEvidence(db)).issues).to.deep.equal([]);
  });

  it("runs daily as a BullMQ job scheduler in the library's zone", async () => {
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const prefix = uniquePrefix("retention");
    const scheduler = new RetentionScheduler({
      db,
      connection,
      prefix,
      logger: silentLogger,
      days: 30,
      timeZone: "Asia/Jakarta",
    });
    try {
      await scheduler.start();
      await scheduler.start().catch(() => undefined);
      const queue = new Queue(RETENTION_QUEUE, { connection, prefix });
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).to.deep.equal([
        ["retention-daily", "30 2 * * *", "Asia/Jakarta"],
      ]);
      await queue.close();
    } finally {
      await scheduler.close();
      await scheduler.close();
      connection.disconnect();
    }
  });
});
