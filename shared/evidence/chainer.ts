/**
 * The chainer (docs/audit.md): off the hot path, every few seconds, it links the evidence rows
 * written since its last pass into their hash chains (`evidence_hash`) and seals the heads that
 * moved into a checkpoint. Runs in the relay role; any number of relay processes may run it:
 * one pass at a time holds a transaction-level advisory lock (the others skip that round), and
 * `UNIQUE (source, row_id)` / `UNIQUE (chain, seq)` refuse a doubled link whatever happens.
 *
 * Rows are taken in id order per source; a row whose transaction commits after a higher id was
 * chained is simply linked on the next pass (a chain's order is the order of chaining). Where to
 * look from (`floors`) moves only past ids that are settled, so such a late commit is still found:
 * - ids at most the highest id a previous pass saw (a `mark`), once every transaction open now
 *   started after that pass: a transaction still open took its ids after it started, so every id
 *   below the mark belongs to a transaction that has ended (PostgreSQL's sequences only go up);
 * - or, where some session is hidden from this role's `pg_stat_activity` (another role's, to a role
 *   without `pg_read_all_stats`), rows older than `floorAgeMs` (a transaction commits within it).
 * The floor a pass reaches is kept in `ChainState` for the next pass (and sealed with each
 * checkpoint): without it each pass went back to the last checkpoint's floor, and with only the
 * age rule the anti-join rescanned ten minutes of rows every two seconds.
 */
import { randomBytes } from "node:crypto";
import type { Db, Sql } from "../db";
import { errorMessage } from "../errors";
import { once } from "../lifecycle";
import type { Logger } from "../logger";
import {
  checkpointHash,
  checkpointHmac,
  contentCommitment,
  GENESIS,
  headsRoot,
  rowHash,
  type Link,
} from "./hashing";
import { EVIDENCE_SOURCE_SPECS, type EvidenceSourceSpec } from "./sources";

export const UTC_TEXT = (col: string) =>
  `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const LOCK = `pg_try_advisory_xact_lock(hashtext('pustaka-relay:evidence-chainer'))`;

export interface ChainOptions {
  /** rows per source per pass */
  batchSize?: number;
  /** a checkpoint at most this often (when anything was chained since the last one) */
  checkpointEveryMs?: number;
  /** the floor moves only past rows at least this old (a transaction commits within it) */
  floorAgeMs?: number;
  /** HMAC key for checkpoints (AUDIT_CHECKPOINT_KEY) */
  checkpointKey?: string | undefined;
}

/** What a chainer carries from one pass to the next (one per process; a fresh one is only slower). */
export interface ChainState {
  /** the floors the last pass of this process reached */
  floors: Record<string, string>;
  /** after each pass: when it looked and the highest id of each source it saw (oldest first) */
  marks: Array<{ atMs: number; ids: Record<string, string> }>;
}

export function newChainState(): ChainState {
  return { floors: {}, marks: [] };
}

export interface ChainResult {
  /** another process held the chainer's lock: this pass did nothing */
  skipped: boolean;
  chained: number;
  checkpointId: string | null;
}

interface LastCheckpoint {
  id: string;
  at_ms: number;
  upto_evidence_id: string;
  checkpoint_hash: string;
  floors: Record<string, string>;
}

export async function chainOnce(
  db: Db,
  options: ChainOptions = {},
  state: ChainState = newChainState(),
): Promise<ChainResult> {
  const batchSize = options.batchSize ?? 5000;
  return db.transaction(async (tx) => {
    const { rows: locked } = await tx.query<{ ok: boolean }>(`SELECT ${LOCK} AS ok`);
    if (!locked[0]?.ok) return { skipped: true, chained: 0, checkpointId: null };
    const last = await lastCheckpoint(tx);
    const floors = higherFloors(last?.floors ?? {}, state.floors);
    const settled = await settledMark(tx, state);
    let chained = 0;
    for (const spec of EVIDENCE_SOURCE_SPECS) {
      const floor = floors[spec.source] ?? "0";
      const { n, lastId } = await chainSource(tx, spec, floor, batchSize);
      chained += n;
      // After a full batch the floor moves too, but not past its last row (the rows after it are
      // not chained yet): without that, catching up on a backlog rescans it from the old floor
      // on every pass, quadratic in the backlog.
      floors[spec.source] = await nextFloor(tx, spec, floor, {
        ageMs: options.floorAgeMs ?? 600_000,
        settled: settled?.[spec.source] ?? null,
        upto: n < batchSize ? null : lastId,
      });
    }
    state.floors = floors;
    await recordMark(tx, state);
    const due =
      !last || Date.now() - last.at_ms >= (options.checkpointEveryMs ?? 60_000) || chained >= batchSize;
    const { rows: pending } = await tx.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM evidence_hash WHERE id > $1) AS any`,
      [last?.upto_evidence_id ?? "0"],
    );
    const checkpointId =
      due && pending[0]?.any ? await writeCheckpoint(tx, last, floors, options.checkpointKey) : null;
    return { skipped: false, chained, checkpointId };
  });
}

async function lastCheckpoint(tx: Sql): Promise<LastCheckpoint | null> {
  const { rows } = await tx.query<LastCheckpoint>(
    `SELECT id::text, (extract(epoch FROM at) * 1000)::float8 AS at_ms, upto_evidence_id::text, checkpoint_hash, floors
     FROM evidence_checkpoint c ORDER BY c.id DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

async function chainSource(
  tx: Sql,
  spec: EvidenceSourceSpec,
  floor: string,
  batchSize: number,
): Promise<{ n: number; lastId: string | null }> {
  const { rows } = await tx.query(
    // `e.row_id > $1` too: the planner may read the anti-join's inner side as one range of the
    // (source, row_id) index (a merge anti join), which without it was every link of the source.
    `${spec.select(`t.id > $1 AND ${spec.ready} AND NOT EXISTS (SELECT 1 FROM evidence_hash e WHERE e.source = '${spec.source}' AND e.row_id = t.id AND e.row_id > $1)`)}
     ORDER BY t.id LIMIT $2`,
    [floor, batchSize],
  );
  if (rows.length === 0) return { n: 0, lastId: null };
  const sourceRows = rows.map((r) => spec.toRow(r));
  const chains = [...new Set(sourceRows.map((r) => r.chain))];
  const { rows: headRows } = await tx.query<{ chain: string; seq: number; row_hash: string }>(
    `SELECT c.chain, h.seq, h.row_hash FROM unnest($1::text[]) AS c(chain)
     CROSS JOIN LATERAL (SELECT seq, row_hash FROM evidence_hash e WHERE e.chain = c.chain ORDER BY seq DESC LIMIT 1) h`,
    [chains],
  );
  const heads = new Map(headRows.map((h) => [h.chain, { seq: h.seq, rowHash: h.row_hash }]));
  const links: Array<Link & { salt: Buffer | null; rowHash: string }> = [];
  for (const row of sourceRows) {
    const head = heads.get(row.chain) ?? { seq: 0, rowHash: GENESIS };
    // An already anonymised row keeps no salt: its text is gone, nothing is left to prove.
    const salt = spec.salted && !row.anonymised ? randomBytes(16) : null;
    const link: Link = {
      source: spec.source,
      rowId: row.id,
      chain: row.chain,
      seq: head.seq + 1,
      prevHash: head.rowHash,
      fields: row.fields,
      contentCommitment: contentCommitment(salt, row.content),
    };
    const hash = rowHash(link);
    links.push({ ...link, salt, rowHash: hash });
    heads.set(row.chain, { seq: link.seq, rowHash: hash });
  }
  await tx.query(
    `INSERT INTO evidence_hash (source, row_id, chain, seq, prev_hash, fields, content_salt, content_commitment, row_hash)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::text[], $6::jsonb[], $7::bytea[], $8::text[], $9::text[])`,
    [
      links.map((l) => l.source),
      links.map((l) => l.rowId),
      links.map((l) => l.chain),
      links.map((l) => l.seq),
      links.map((l) => l.prevHash),
      links.map((l) => JSON.stringify(l.fields)),
      links.map((l) => l.salt),
      links.map((l) => l.contentCommitment),
      links.map((l) => l.rowHash),
    ],
  );
  return { n: links.length, lastId: links[links.length - 1]!.rowId };
}

function higherFloors(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  const out = { ...a };
  for (const [source, id] of Object.entries(b))
    if (!(source in out) || BigInt(id) > BigInt(out[source]!)) out[source] = id;
  return out;
}

/**
 * The newest mark every open transaction started after, or null when none is (or when a session
 * of another role is hidden from this one's `pg_stat_activity`: then only the age rule holds).
 * Marks older than the one returned are dropped: it covers them.
 */
async function settledMark(tx: Sql, state: ChainState): Promise<Record<string, string> | null> {
  if (state.marks.length === 0) return null;
  const { rows } = await tx.query<{ oldest_ms: number | null; hidden: boolean }>(
    // A session this role may not see shows no backend_type (and every one shows the state
    // 'disabled' with track_activities off); a prepared transaction has no session. Either way the
    // oldest transaction is not known: wait. Autovacuum writes no rows of ours.
    `SELECT (extract(epoch FROM min(xact_start) FILTER (WHERE backend_type <> 'autovacuum worker')) * 1000)::float8 AS oldest_ms,
            coalesce(bool_or(backend_type IS NULL OR state = 'disabled'), false)
              OR EXISTS (SELECT 1 FROM pg_prepared_xacts) AS hidden
     FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  const { oldest_ms: oldest, hidden } = rows[0] ?? { oldest_ms: null, hidden: true };
  if (hidden) return null;
  let i = state.marks.length - 1;
  while (i >= 0 && oldest !== null && state.marks[i]!.atMs >= oldest) i--;
  if (i < 0) return null;
  const mark = state.marks[i]!;
  state.marks.splice(0, i);
  return mark.ids;
}

/** After the pass: the highest id of each source now, with the moment it was read (kept: a few). */
async function recordMark(tx: Sql, state: ChainState): Promise<void> {
  const { rows } = await tx.query<{ at_ms: number; ids: Record<string, string | null> }>(
    `SELECT json_build_object(${EVIDENCE_SOURCE_SPECS.map((s) => `'${s.source}', (SELECT max(id)::text FROM ${s.source})`).join(", ")}) AS ids,
            (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS at_ms`,
  );
  const ids: Record<string, string> = {};
  for (const [source, id] of Object.entries(rows[0]!.ids)) if (id !== null) ids[source] = id;
  state.marks.push({ atMs: rows[0]!.at_ms, ids });
  // A long transaction holds every mark after its start back; past 100 the oldest go (it only
  // means that the floor waits for a later mark).
  if (state.marks.length > 100) state.marks.splice(0, state.marks.length - 100);
}

/**
 * Past which id every row of the source is chained: the newest row that is settled (at most the
 * settled mark, or older than `ageMs`; all visible rows that are ready are chained now), but never
 * past a row still waiting to be ready (an inbound message not yet handled), nor past `upto` (the
 * last row of a full batch: those after it wait for the next pass).
 */
async function nextFloor(
  tx: Sql,
  spec: EvidenceSourceSpec,
  floor: string,
  bound: { ageMs: number; settled: string | null; upto: string | null },
): Promise<string> {
  const table = spec.source;
  const { rows } = await tx.query<{ id: string | null }>(
    `SELECT max(t.id)::text AS id FROM ${table} t
     WHERE t.id > $1
       AND (t.id <= $4::bigint OR t.${spec.timeColumn} < now() - make_interval(secs => $2))
       AND ($3::bigint IS NULL OR t.id <= $3::bigint)
       AND t.id < coalesce((SELECT min(t.id) FROM ${table} t WHERE t.id > $1 AND NOT (${spec.ready})), 9223372036854775807)`,
    [floor, bound.ageMs / 1000, bound.upto, bound.settled],
  );
  return rows[0]?.id ?? floor;
}

/** Seals the head of every chain that moved since the last checkpoint, chained to that checkpoint. */
async function writeCheckpoint(
  tx: Sql,
  last: LastCheckpoint | null,
  floors: Record<string, string>,
  key: string | undefined,
): Promise<string> {
  const from = last?.upto_evidence_id ?? "0";
  const { rows: moved } = await tx.query<{ chain: string; seq: number; row_hash: string; upto: string }>(
    `SELECT DISTINCT ON (chain) chain, seq, row_hash, (max(id) OVER ())::text AS upto
     FROM evidence_hash WHERE id > $1 ORDER BY chain, seq DESC`,
    [from],
  );
  const heads = new Map(moved.map((m) => [m.chain, { seq: m.seq, rowHash: m.row_hash }]));
  const { rows: now } = await tx.query<{ at: string }>(`SELECT ${UTC_TEXT("now()")} AS at`);
  const body = {
    at: now[0]!.at,
    uptoEvidenceId: moved[0]!.upto,
    heads: heads.size,
    headsRoot: headsRoot(heads),
    prevHash: last?.checkpoint_hash ?? GENESIS,
    floors,
  };
  const hash = checkpointHash(body);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO evidence_checkpoint (at, upto_evidence_id, heads, heads_root, prev_hash, checkpoint_hash, hmac, floors)
     VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text`,
    [
      body.at,
      body.uptoEvidenceId,
      body.heads,
      body.headsRoot,
      body.prevHash,
      hash,
      key ? checkpointHmac(key, hash) : null,
      JSON.stringify(floors),
    ],
  );
  return rows[0]!.id;
}

export interface EvidenceChainerOptions extends ChainOptions {
  db: Db;
  logger: Logger;
  /** how often a pass runs: the window in which a new row is not yet chained (default 2 s) */
  intervalMs: number;
}

/** The loop around chainOnce: start() and an idempotent close() that waits for the pass in progress. */
export class EvidenceChainer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly state = newChainState();

  constructor(private readonly options: EvidenceChainerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs);
    this.timer.unref();
    void this.pass();
  }

  /** One pass; concurrent calls share the pass in progress. */
  pass(): Promise<void> {
    return (this.running ??= this.run().finally(() => (this.running = undefined)));
  }

  readonly close = once(async () => {
    clearInterval(this.timer);
    await this.running;
  });

  private async run(): Promise<void> {
    try {
      // Catch up in full batches, then wait for the next tick.
      for (;;) {
        const result = await chainOnce(this.options.db, this.options, this.state);
        if (result.skipped || result.chained < (this.options.batchSize ?? 5000)) return;
      }
    } catch (err) {
      this.options.logger.warn({ err: errorMessage(err) }, "evidence chainer pass failed");
    }
  }
}
