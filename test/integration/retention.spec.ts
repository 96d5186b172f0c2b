/**
 * Retention and erasure (issue 13, docs/audit.md) against this run's PostgreSQL and Redis: old
 * rows lose their personal data and recent ones keep it, the statistics stay the same,
 * audit:verify still passes, both are audit events; the append-only trigger still refuses an
 * ordinary UPDATE of text; the daily run is a BullMQ job scheduler in the library's zone.
 */
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
import { writeConversation, type Written } from "../helpers/evidence";
import { testDatabaseUrl, testRedisUrl, uniquePrefix } from "../support/services";

describe("retention: anonymising old personal data, erasure on request", () => {
  let pool: Pool;
  let db: Db;
  let old: Written;
  let recent: Written;
  let member: Written;

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
    expect(recentRows.map((r) => r.text)).to.deep.equal(["jam buka?", "08.00–16.00"]);
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
    expect(events[0]!.detail).to.include({ days: 30, messages: result.messages });
  });

  it("a second run changes nothing and records nothing", async () => {
    const { rows: a } = await pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'retention_anonymised'`,
    );
    expect(await runRetention(db, 30)).to.include({ messages: 0, patrons: 0 });
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
    await chainAll();
    const admin = await pool.query<{ id: number }>(
      `INSERT INTO staff_user (username, display_name, role, password_hash) VALUES ($1, 'Admin', 'admin', 'x') RETURNING id`,
      [`erasure-admin-${memberId}`],
    );
    const result = await erasePatron(db, { memberId }, admin.rows[0]!.id);
    expect(result).to.deep.equal({ patronId: member.patronId, messages: 2, conversations: 1 });
    const { rows } = await pool.query(`SELECT text FROM message WHERE conversation_id = $1`, [
      member.conversationId,
    ]);
    expect(rows.map((r) => r.text)).to.deep.equal([null, null]);
    const { rows: p } = await pool.query(`SELECT display_name, member_id FROM patron WHERE id = $1`, [
      member.patronId,
    ]);
    expect(p[0]).to.deep.equal({ display_name: "", member_id: null });
    const { rows: events } = await pool.query(
      `SELECT actor_kind, actor_id, detail FROM audit_event WHERE action = 'member_erased' AND subject = $1`,
      [`patron:${member.patronId}`],
    );
    expect(events).to.deep.equal([
      { actor_kind: "staff", actor_id: String(admin.rows[0]!.id), detail: { messages: 2, conversations: 1 } },
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
