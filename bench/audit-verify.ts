/**
 * What audit:verify costs at scale (docs/audit.md, "Verify's cost"): a database of its own
 * (created, migrated, dropped), BENCH_ROWS messages over BENCH_CONVERSATIONS conversations plus
 * librarians' notes, audit events and files, linked by the real chainer (chainOnce, as the relay
 * runs it), then the real verify. Prints rows, seconds to chain, seconds to verify, rows/s, and
 * this process's peak RSS and heap during each. Figures, not pass/fail; standalone, not part of
 * `npm run bench`.
 *
 *   npx tsx bench/audit-verify.ts      (BENCH_ROWS=200000 BENCH_CONVERSATIONS=2000 by default)
 *
 * Bounded: after BENCH_TIMEOUT_S (default 1200) it stops, drops its database and exits 1.
 * Uses the local PostgreSQL (BENCH_PG_ADMIN_URL).
 */
import "reflect-metadata";
import { Client, Pool } from "pg";
import { createDataSource } from "../ormconfig";
import { dbFromPool } from "../shared/db";
import { chainOnce } from "../shared/evidence/chainer";
import { verifyEvidence } from "../shared/evidence/verify";

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 2000);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 1200);
/** per conversation-message ratio of the other evidence: a note per 100 messages, an audit event per 20, a file per 200 */
const NOTES = Math.ceil(ROWS / 100);
const EVENTS = Math.ceil(ROWS / 20);
const FILES = Math.ceil(ROWS / 200);

/** Peak RSS and heap of this process while `fn` runs, sampled every 20 ms (and at both ends). */
async function measured<T>(fn: () => Promise<T>) {
  let rss = 0;
  let heap = 0;
  const take = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  global.gc?.();
  const baseline = process.memoryUsage();
  take();
  const timer = setInterval(take, 20);
  const started = process.hrtime.bigint();
  try {
    const result = await fn();
    take();
    return {
      result,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      peakRssMb: rss / 2 ** 20,
      peakHeapMb: heap / 2 ** 20,
      baseRssMb: baseline.rss / 2 ** 20,
      baseHeapMb: baseline.heapUsed / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

/** Messages, notes, audit events and files as the service writes them, generated inside PostgreSQL. */
async function generate(pool: Pool): Promise<void> {
  await pool.query(
    `INSERT INTO staff_user (username, display_name, role, password_hash) VALUES ('bench', 'Bench', 'librarian', 'x')`,
  );
  await pool.query(
    `INSERT INTO patron (display_name) SELECT 'Pemustaka ' || g FROM generate_series(1, $1) g`,
    [CONVERSATIONS],
  );
  await pool.query(
    `INSERT INTO conversation (channel, chat_id, patron_id, opened_at, last_message_at, last_seq)
     SELECT 'telegram', 'bench-' || p.id, p.id, now() - interval '30 days', now() - interval '1 hour', 0
     FROM patron p ORDER BY p.id`,
  );
  // Row n goes to conversation (n mod C) with seq (n div C) + 1, dated in id order over 30 days
  // (so verify's back-dating check has nothing to say): the conversations interleave as in life.
  await pool.query(
    `INSERT INTO message (conversation_id, seq, direction, author, kind, text, meta, channel, channel_key, status,
                          handled_by, created_at)
     SELECT c.id, n / $2 + 1, CASE WHEN n % 2 = 0 THEN 'in' ELSE 'out' END,
            CASE WHEN n % 2 = 0 THEN 'patron' ELSE 'bot' END, 'text',
            'jam buka perpustakaan hari ini? #' || n, '{"chatType": "private"}'::jsonb, 'telegram', 'bench:' || n,
            CASE WHEN n % 2 = 0 THEN 'handled' ELSE 'sent' END, 'opening_hours',
            now() - interval '30 days' + n * (interval '29 days' / $1)
     FROM generate_series(0, $1 - 1) n
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM conversation) c ON c.k = n % $2
     ORDER BY n`,
    [ROWS, CONVERSATIONS],
  );
  await pool.query(
    `UPDATE conversation c SET last_seq = m.n FROM (SELECT conversation_id, max(seq) AS n FROM message GROUP BY 1) m
     WHERE m.conversation_id = c.id`,
  );
  await pool.query(
    `INSERT INTO staff_note (conversation_id, staff_id, text, created_at)
     SELECT c.id, s.id, 'catatan ' || g, now() - interval '1 day'
     FROM generate_series(1, $1) g JOIN conversation c ON c.id = 1 + g % $2 CROSS JOIN staff_user s`,
    [NOTES, CONVERSATIONS],
  );
  await pool.query(
    `INSERT INTO audit_event (at, actor_kind, actor_id, action, subject, detail)
     SELECT now() - interval '1 day', 'patron', 'telegram:' || g, 'renewal', 'loan:' || g, '{"result": {"ok": true}}'::jsonb
     FROM generate_series(1, $1) g`,
    [EVENTS],
  );
  await pool.query(
    `INSERT INTO media (sha256, mime_type, size, file_name, storage, bytes, created_at)
     SELECT encode(sha256(b), 'hex'), 'image/jpeg', length(b), 'foto ' || g || '.jpg', 'db', b, now() - interval '1 day'
     FROM (SELECT g, convert_to(repeat('bench file ' || g || ' ', 1000), 'UTF8') AS b FROM generate_series(1, $1) g) f`,
    [FILES],
  );
  await pool.query(`VACUUM ANALYZE`);
}

async function main(): Promise<void> {
  const database = `pustaka_bench_verify_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const pool = new Pool({ connectionString: url.toString(), max: 2 });
  const drop = async () => {
    await pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  };
  const deadline = setTimeout(() => {
    process.stderr.write(`audit-verify bench: over BENCH_TIMEOUT_S (${TIMEOUT_S} s), stopped\n`);
    void drop().finally(() => process.exit(1));
  }, TIMEOUT_S * 1000);
  try {
    const ds = createDataSource(url.toString(), { poolSize: 2 });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    await ds.destroy();
    const db = dbFromPool(pool);

    const generated = await measured(() => generate(pool));
    const total = ROWS + NOTES + EVENTS + FILES;
    console.log(
      `generated ${ROWS} messages over ${CONVERSATIONS} conversations, ${NOTES} notes, ${EVENTS} audit events, ${FILES} files (${total} rows) in ${generated.seconds.toFixed(1)} s`,
    );

    // As the relay's chainer does it: passes of full batches until one chains less.
    const chained = await measured(async () => {
      let rows = 0;
      let passes = 0;
      for (;;) {
        const r = await chainOnce(db, { checkpointEveryMs: 60_000 });
        passes++;
        rows += r.chained;
        if (r.chained < 5000) return { rows, passes };
      }
    });
    const verified = await measured(() => verifyEvidence(db));
    const report = verified.result;
    const line = (what: string, m: typeof chained | typeof verified, rows: number) =>
      `${what.padEnd(7)} ${rows} rows in ${m.seconds.toFixed(1)} s = ${Math.round(rows / m.seconds)} rows/s; ` +
      `peak RSS ${m.peakRssMb.toFixed(0)} MB (from ${m.baseRssMb.toFixed(0)}), peak heap ${m.peakHeapMb.toFixed(0)} MB (from ${m.baseHeapMb.toFixed(0)})`;
    console.log(line("chain", chained, chained.result.rows) + ` in ${chained.result.passes} passes`);
    console.log(line("verify", verified, report.chainedRows));
    console.log(
      `verify: ${report.ok ? "OK" : "FAILED"}, ${report.chains} chains, ${report.checkpoints} checkpoints, ${report.issues.length} findings, ${report.warnings.length} warnings`,
    );
    if (!report.ok) process.exitCode = 1;
  } finally {
    clearTimeout(deadline);
    await drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
