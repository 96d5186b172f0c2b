/**
 * Tamper evidence (issue 13, docs/audit.md) against this run's PostgreSQL: the chainer links
 * every message and audit event into its chain and seals checkpoints; verify passes on an
 * untouched database and names the row when a superuser edits a message's text or fields,
 * deletes a row, inserts one, or touches the evidence itself.
 *
 * Each tampering runs inside a transaction that is rolled back (the run's database stays
 * untouched for the specs after), with triggers off as a superuser can (session_replication_role).
 */
import { expect } from "chai";
import { Client, Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { chainOnce, newChainState, type ChainResult } from "../../shared/evidence/chainer";
import { verifyEvidence, type VerifyReport } from "../../shared/evidence/verify";
import { clientDb, writeConversation, type Written } from "../helpers/evidence";
import { testDatabaseUrl } from "../support/services";

describe("tamper evidence: hash chains, checkpoints, verify", () => {
  let client: Client;
  let pool: Pool;
  let conv: Written;

  /** Chain everything there is (passes until one chains less than a batch). */
  async function chainAll(db = dbFromPool(pool)): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r: ChainResult = await chainOnce(db, { checkpointEveryMs: 0 });
      if (!r.skipped && r.chained === 0) return;
    }
    throw new Error("the chainer did not catch up");
  }

  /** `tamper` as a superuser with triggers off, then verify on the same connection; rolled back. */
  async function verifyAfter(
    tamper: (c: Client) => Promise<unknown>,
    chainAfter = false,
  ): Promise<VerifyReport> {
    await client.query("BEGIN");
    try {
      await client.query("SET LOCAL session_replication_role = replica");
      await tamper(client);
      await client.query("SET LOCAL session_replication_role = origin");
      if (chainAfter) await chainOnce(clientDb(client), { checkpointEveryMs: 0 });
      return await verifyEvidence(clientDb(client), { graceMs: 60_000 });
    } finally {
      await client.query("ROLLBACK");
    }
  }

  before(async () => {
    client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    conv = await writeConversation(
      clientDb(client),
      ["jam buka hari ini?", "Buka 08.00–16.00", "terima kasih 🙏"],
      {
        ageDays: 1,
      },
    );
    await chainAll();
  });
  after(async () => {
    await client?.end();
    await pool?.end();
  });

  it("an untouched database verifies: every row chained, every checkpoint sealed", async () => {
    const report = await verifyEvidence(dbFromPool(pool));
    expect(report.issues).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.chainedRows).to.be.greaterThan(2);
    expect(report.checkpoints).to.be.greaterThan(0);
    expect(report.unsealed).to.equal(0);
  });

  it("chains a conversation in order: seq 1..n in id order, each link on the one before", async () => {
    const { rows } = await pool.query<{ row_id: string; seq: number; prev_hash: string; row_hash: string }>(
      `SELECT row_id::text, seq, prev_hash, row_hash FROM evidence_hash WHERE chain = $1 ORDER BY seq`,
      [`c:${conv.conversationId}`],
    );
    expect(rows.map((r) => r.row_id)).to.deep.equal(conv.messageIds);
    expect(rows.map((r) => r.seq)).to.deep.equal([1, 2, 3]);
    expect(rows[1]!.prev_hash).to.equal(rows[0]!.row_hash);
    expect(rows[2]!.prev_hash).to.equal(rows[1]!.row_hash);
  });

  it("keeps no text in the evidence: only a salted commitment", async () => {
    const { rows } = await pool.query<{ fields: unknown; content_commitment: string; salt: boolean }>(
      `SELECT fields, content_commitment, content_salt IS NOT NULL AS salt FROM evidence_hash WHERE source = 'message' AND row_id = $1`,
      [conv.messageIds[0]],
    );
    expect(JSON.stringify(rows[0]!.fields)).not.to.include("jam buka");
    expect(rows[0]!.salt).to.equal(true);
    expect(rows[0]!.content_commitment).to.match(/^[0-9a-f]{64}$/);
  });

  it("editing a message's text fails verify and names the row", async () => {
    const id = conv.messageIds[1]!;
    const report = await verifyAfter((c) =>
      c.query(`UPDATE message SET text = 'Tutup hari ini' WHERE id = $1`, [id]),
    );
    expect(report.ok).to.equal(false);
    expect(report.issues.map((i) => [i.kind, i.rowId])).to.deep.equal([["edited", id]]);
    expect(report.issues[0]!.detail).to.include(`message ${id}`).and.to.include("text or meta");
  });

  it("editing a message's author says which field, as chained and now", async () => {
    const id = conv.messageIds[1]!;
    const report = await verifyAfter((c) =>
      c.query(`UPDATE message SET author = 'librarian' WHERE id = $1`, [id]),
    );
    expect(report.issues).to.have.length(1);
    expect(report.issues[0]).to.deep.include({ kind: "edited", rowId: id });
    expect(report.issues[0]!.differs).to.deep.equal([{ field: "author", chained: "bot", now: "librarian" }]);
  });

  it("deleting a row fails verify and names the row", async () => {
    const id = conv.messageIds[2]!;
    const report = await verifyAfter((c) => c.query(`DELETE FROM message WHERE id = $1`, [id]));
    expect(report.ok).to.equal(false);
    expect(report.issues.filter((i) => i.rowId === id).map((i) => i.kind)).to.deep.equal(["deleted"]);
    expect(report.issues.find((i) => i.rowId === id)!.detail).to.include(`seq 3`);
  });

  it("deleting a row and its evidence link is still caught (the chain, the checkpoint, the conversation's count)", async () => {
    const id = conv.messageIds[2]!;
    const report = await verifyAfter(async (c) => {
      await c.query(`DELETE FROM message WHERE id = $1`, [id]);
      await c.query(`DELETE FROM evidence_hash WHERE source = 'message' AND row_id = $1`, [id]);
    });
    expect(report.ok).to.equal(false);
    const kinds = report.issues.map((i) => i.kind);
    expect(kinds).to.include("checkpoint");
    // The missing last message is also a warning (not proof alone: a deduplicated notice is numbered, not written).
    expect(report.warnings.map((i) => i.detail).join("\n")).to.include(
      `conversation ${conv.conversationId} numbered 3`,
    );
  });

  it("inserting a row directly fails verify and names it, before and after the chainer links it", async () => {
    let inserted = "";
    const insert = async (c: Client) => {
      const r = await c.query<{ id: string }>(
        `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status, created_at)
         VALUES ($1, 4, 'out', 'librarian', 'text', 'Denda Anda sudah lunas', 'test', $2, 'sent', now() - interval '2 days')
         RETURNING id::text`,
        [conv.conversationId, `forged-${conv.conversationId}`],
      );
      await c.query(`UPDATE conversation SET last_seq = 4 WHERE id = $1`, [conv.conversationId]);
      inserted = r.rows[0]!.id;
    };
    const unchained = await verifyAfter(insert);
    expect(unchained.issues.map((i) => [i.kind, i.rowId])).to.deep.equal([["inserted", inserted]]);
    expect(unchained.issues[0]!.detail).to.include("in no chain");
    const chained = await verifyAfter(insert, true);
    expect(chained.issues.map((i) => [i.kind, i.rowId])).to.deep.equal([["inserted", inserted]]);
    expect(chained.issues[0]!.detail).to.include("back-dated");
  });

  it("editing an audit event fails verify and names it", async () => {
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id::text FROM evidence_hash WHERE source = 'audit_event' LIMIT 1`,
    );
    if (rows.length === 0) {
      // this run wrote no audit event before this spec: write one and chain it
      await pool.query(
        `INSERT INTO audit_event (actor_kind, actor_id, action) VALUES ('system', 'test', 'test.evidence')`,
      );
      await chainAll();
    }
    const { rows: ev } = await pool.query<{ row_id: string }>(
      `SELECT row_id::text FROM evidence_hash WHERE source = 'audit_event' ORDER BY id LIMIT 1`,
    );
    const id = ev[0]!.row_id;
    const report = await verifyAfter((c) =>
      c.query(`UPDATE audit_event SET actor_id = 'someone-else' WHERE id = $1`, [id]),
    );
    expect(report.issues.map((i) => [i.kind, i.source, i.rowId])).to.deep.equal([
      ["edited", "audit_event", id],
    ]);
  });

  it("altering an evidence link or a checkpoint fails verify", async () => {
    const link = await verifyAfter((c) =>
      c.query(
        `UPDATE evidence_hash SET fields = fields || '{"author": "system"}' WHERE source = 'message' AND row_id = $1`,
        [conv.messageIds[0]],
      ),
    );
    expect(link.issues.map((i) => i.kind)).to.include("chain");
    expect(link.issues.find((i) => i.kind === "chain")!.rowId).to.equal(conv.messageIds[0]);
    const checkpoint = await verifyAfter((c) =>
      c.query(
        `UPDATE evidence_checkpoint SET heads = heads + 1 WHERE id = (SELECT max(id) FROM evidence_checkpoint)`,
      ),
    );
    expect(checkpoint.issues.map((i) => i.kind)).to.include("checkpoint");
  });

  it("the evidence tables refuse UPDATE and DELETE without a superuser's help", async () => {
    for (const statement of [
      `UPDATE evidence_hash SET row_hash = repeat('0', 64) WHERE id = (SELECT min(id) FROM evidence_hash)`,
      `DELETE FROM evidence_hash WHERE id = (SELECT min(id) FROM evidence_hash)`,
      `UPDATE evidence_checkpoint SET heads = 0`,
      `DELETE FROM evidence_checkpoint`,
      `TRUNCATE evidence_hash`,
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

  it("chains an inbound message once it is handled, so a late password redaction is no edit", async () => {
    const w = await writeConversation(dbFromPool(pool), []);
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status)
       VALUES ($1, 1, 'in', 'patron', 'text', 'rahasia123', 'test', $2, 'received') RETURNING id::text`,
      [w.conversationId, `late-redaction-${w.conversationId}`],
    );
    await pool.query(`UPDATE conversation SET last_seq = 1 WHERE id = $1`, [w.conversationId]);
    const id = rows[0]!.id;
    const linked = async () =>
      (await pool.query(`SELECT 1 FROM evidence_hash WHERE source = 'message' AND row_id = $1`, [id]))
        .rowCount;
    await chainAll();
    expect(await linked(), "chained while still received").to.equal(0);
    // What the relay does when a password arrived before its step was committed (message-log.ts).
    await pool.query(
      `UPDATE message SET text = '[disembunyikan: kata sandi / redacted: password]', status = 'handled',
              meta = meta || '{"redacted": true, "redactedLate": true}'::jsonb WHERE id = $1`,
      [id],
    );
    await chainAll();
    expect(await linked()).to.equal(1);
    expect((await verifyEvidence(dbFromPool(pool))).issues).to.deep.equal([]);
  });

  it("chains checkpoints in id order past ten of them (each follows the one before, sealing only what moved)", async () => {
    for (let i = 0; i < 12; i++) {
      await writeConversation(dbFromPool(pool), [`pertanyaan ${i}`]);
      expect((await chainOnce(dbFromPool(pool), { checkpointEveryMs: 0 })).checkpointId).to.be.a("string");
    }
    const { rows } = await pool.query<{ prev_hash: string; checkpoint_hash: string; heads: number }>(
      `SELECT prev_hash, checkpoint_hash, heads FROM evidence_checkpoint ORDER BY evidence_checkpoint.id`,
    );
    expect(rows.length).to.be.at.least(12);
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]!.prev_hash, `checkpoint #${i}`).to.equal(rows[i - 1]!.checkpoint_hash);
    expect(rows.slice(-12).map((r) => r.heads)).to.deep.equal(Array(12).fill(1));
    expect((await verifyEvidence(dbFromPool(pool))).issues).to.deep.equal([]);
  });

  it("catching up in full batches moves the floor every pass, never past a row still waiting to be handled", async () => {
    const floor = async () => {
      const { rows } = await pool.query<{ floors: Record<string, string> }>(
        `SELECT floors FROM evidence_checkpoint ORDER BY id DESC LIMIT 1`,
      );
      return BigInt(rows[0]?.floors.message ?? "0");
    };
    await chainAll();
    const a = await writeConversation(dbFromPool(pool), ["satu", "dua", "tiga"], { ageDays: 1 });
    const b = await writeConversation(dbFromPool(pool), []);
    const { rows: pending } = await pool.query<{ id: string }>(
      `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status, created_at)
       VALUES ($1, 1, 'in', 'patron', 'text', 'menunggu', 'test', $2, 'received', now() - interval '1 day') RETURNING id::text`,
      [b.conversationId, `floor-pending-${b.conversationId}`],
    );
    await pool.query(`UPDATE conversation SET last_seq = 1 WHERE id = $1`, [b.conversationId]);
    const c = await writeConversation(dbFromPool(pool), ["empat", "lima", "enam"], { ageDays: 1 });
    const start = await floor();
    const options = { batchSize: 2, checkpointEveryMs: 0, floorAgeMs: 0 };
    const first = await chainOnce(dbFromPool(pool), options);
    expect(first.chained).to.equal(2);
    const afterFirst = await floor();
    expect(afterFirst > start, "the floor moved after a full batch").to.equal(true);
    expect(afterFirst).to.equal(BigInt(a.messageIds[1]!));
    for (let i = 0; i < 10 && (await chainOnce(dbFromPool(pool), options)).chained > 0; i++);
    expect(await floor()).to.equal(BigInt(pending[0]!.id) - 1n);
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM evidence_hash WHERE source = 'message' AND row_id = ANY($1::bigint[])`,
      [[...a.messageIds, ...c.messageIds]],
    );
    expect(rows[0]!.n).to.equal(6);
    await pool.query(`UPDATE message SET status = 'handled' WHERE id = $1`, [pending[0]!.id]);
    await chainAll();
    expect((await verifyEvidence(dbFromPool(pool))).issues).to.deep.equal([]);
  });

  it("moves the floor up to the rows every open transaction started after, and still chains a row committed late below it", async () => {
    // The default age rule (10 minutes): only the settled marks can move the floor past fresh rows.
    const state = newChainState();
    const pass = () => chainOnce(dbFromPool(pool), { checkpointEveryMs: 0 }, state);
    const chained = async (ids: string[]) => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM evidence_hash WHERE source = 'message' AND row_id = ANY($1::bigint[])`,
        [ids],
      );
      return rows[0]!.n;
    };
    for (let i = 0; i < 100 && (await pass()).chained > 0; i++);
    const before = await writeConversation(dbFromPool(pool), ["sebelum", "Sebelum."]);
    await pass(); // its mark: the highest ids, seen before the transaction below began
    const open = new Client({ connectionString: testDatabaseUrl() });
    await open.connect();
    try {
      await open.query("BEGIN");
      const late = await writeConversation(clientDb(open), ["terlambat", "Terlambat."]);
      const after = await writeConversation(dbFromPool(pool), ["sesudah", "Sesudah."]);
      expect(BigInt(late.messageIds[0]!) < BigInt(after.messageIds[0]!)).to.equal(true);
      await pass();
      await pass();
      const held = BigInt(state.floors.message ?? "0");
      expect(await chained([...before.messageIds, ...after.messageIds])).to.equal(4);
      expect(
        held >= BigInt(before.messageIds[1]!),
        "the floor passed the rows before the open transaction",
      ).to.equal(true);
      expect(held < BigInt(late.messageIds[0]!), "the floor stays below the open transaction's row").to.equal(
        true,
      );
      await open.query("COMMIT");
      await pass();
      await pass();
      expect(await chained(late.messageIds)).to.equal(2);
      expect(
        BigInt(state.floors.message ?? "0") >= BigInt(after.messageIds[1]!),
        "the floor reached the newest rows",
      ).to.equal(true);
    } finally {
      await open.end();
    }
    expect((await verifyEvidence(dbFromPool(pool))).issues).to.deep.equal([]);
  });

  it("where another role's session is hidden from the chainer's role, holds the floor to the age rule", async () => {
    const role = `evidence_probe_${process.pid}`;
    await pool.query(`CREATE ROLE ${role} LOGIN`);
    await pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    await pool.query(`GRANT INSERT ON evidence_hash, evidence_checkpoint TO ${role}`);
    await pool.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    const url = new URL(testDatabaseUrl());
    url.username = role;
    url.password = "";
    const probe = new Pool({ connectionString: url.toString(), max: 1 });
    const open = new Client({ connectionString: testDatabaseUrl() });
    await open.connect();
    try {
      const state = newChainState();
      const pass = () => chainOnce(dbFromPool(probe), { checkpointEveryMs: 0 }, state);
      for (let i = 0; i < 100 && (await pass()).chained > 0; i++);
      await pass();
      await open.query("BEGIN");
      const late = await writeConversation(clientDb(open), ["tersembunyi", "Tersembunyi."]);
      const after = await writeConversation(dbFromPool(pool), ["sesudah", "Sesudah."]);
      await pass();
      await pass();
      expect(BigInt(state.floors.message ?? "0") < BigInt(late.messageIds[0]!)).to.equal(true);
      await open.query("COMMIT");
      for (let i = 0; i < 3; i++) await pass();
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM evidence_hash WHERE source = 'message' AND row_id = ANY($1::bigint[])`,
        [[...late.messageIds, ...after.messageIds]],
      );
      expect(rows[0]!.n).to.equal(4);
    } finally {
      await open.end();
      await probe.end();
      await pool.query(`DROP OWNED BY ${role}`);
      await pool.query(`DROP ROLE ${role}`);
    }
  });

  it("is idempotent: several chainers at once, twice over, link every row exactly once", async () => {
    const more = await Promise.all(
      [0, 1, 2].map(() => writeConversation(dbFromPool(pool), ["halo", "Halo!", "perpanjang", "Sudah"])),
    );
    const pools = [0, 1, 2].map(() => new Pool({ connectionString: testDatabaseUrl(), max: 1 }));
    try {
      for (let round = 0; round < 2; round++)
        await Promise.all(pools.map((p) => chainOnce(dbFromPool(p), { checkpointEveryMs: 0 })));
      await chainAll();
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    const ids = more.flatMap((m) => m.messageIds);
    const { rows } = await pool.query<{ row_id: string; n: number }>(
      `SELECT row_id::text, count(*)::int AS n FROM evidence_hash WHERE source = 'message' AND row_id = ANY($1::bigint[])
       GROUP BY row_id ORDER BY row_id::bigint`,
      [ids],
    );
    expect(rows.map((r) => r.row_id)).to.deep.equal([...ids].sort((a, b) => Number(a) - Number(b)));
    expect(rows.every((r) => r.n === 1)).to.equal(true);
    for (const m of more) {
      const { rows: chain } = await pool.query<{ row_id: string }>(
        `SELECT row_id::text FROM evidence_hash WHERE chain = $1 ORDER BY seq`,
        [`c:${m.conversationId}`],
      );
      expect(chain.map((c) => c.row_id)).to.deep.equal(m.messageIds);
    }
    expect((await verifyEvidence(dbFromPool(pool))).issues).to.deep.equal([]);
  });
});
