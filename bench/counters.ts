/**
 * Per-message PostgreSQL and Redis work, as deltas over a section: the bench database's
 * pg_stat_database (transactions, tuples) and pg_stat_user_tables (index scans, writes) — its
 * own database, so other users of the server do not count — and the private Redis's INFO
 * commandstats (every command, Lua scripts' inner calls included). pg_stat_statements is not
 * preloaded on this server, so statements are not counted one by one.
 */
import { Client } from "pg";
import { Redis } from "ioredis";

export interface Counts {
  pg: Record<string, number>;
  redis: Record<string, number>;
}

export class Counters {
  private constructor(
    private readonly pg: Client,
    private readonly redis: Redis,
    private readonly database: string,
  ) {}

  static async open(databaseUrl: string, redisUrl: string, database: string): Promise<Counters> {
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    return new Counters(pg, new Redis(redisUrl), database);
  }

  /** Backends connected to the bench database (for their CPU), this one excluded. */
  async backendPids(): Promise<number[]> {
    const { rows } = await this.pg.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [this.database],
    );
    return rows.map((r) => r.pid);
  }

  async read(): Promise<Counts> {
    // Statistics are flushed by backends at most once a second (and at idle): wait for them.
    await new Promise((r) => setTimeout(r, 1100));
    await this.pg.query(`SELECT pg_stat_clear_snapshot()`);
    const db = await this.pg.query(
      `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated
       FROM pg_stat_database WHERE datname = $1`,
      [this.database],
    );
    const tables = await this.pg.query(
      `SELECT coalesce(sum(idx_scan),0) AS idx_scan, coalesce(sum(seq_scan),0) AS seq_scan,
              coalesce(sum(n_tup_hot_upd),0) AS hot_updates
       FROM pg_stat_user_tables`,
    );
    const pg: Record<string, number> = {};
    for (const [k, v] of Object.entries({ ...db.rows[0], ...tables.rows[0] })) pg[k] = Number(v);
    // Tuples read per table (by sequential scans and fetched through indexes): where tup_fetched goes.
    const byTable = await this.pg.query<{ relname: string; n: string; seq: string }>(
      `SELECT relname, (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::text AS n, seq_tup_read::text AS seq
       FROM pg_stat_user_tables`,
    );
    for (const r of byTable.rows) {
      pg[`read:${r.relname}`] = Number(r.n);
      pg[`seqread:${r.relname}`] = Number(r.seq);
    }
    const info = await this.redis.info("commandstats");
    const redis: Record<string, number> = {};
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) redis[m[1]!] = Number(m[2]);
    return { pg, redis };
  }

  async close() {
    await this.pg.end();
    this.redis.disconnect();
  }
}

export function delta(before: Counts, after: Counts, perMessages: number) {
  const per = (a: Record<string, number>, b: Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      out[k] = ((b[k] ?? 0) - (a[k] ?? 0)) / perMessages;
    return out;
  };
  const redis = per(before.redis, after.redis);
  return {
    pg: per(before.pg, after.pg),
    redisTotal: Object.values(redis).reduce((s, v) => s + v, 0),
    redisTop: Object.entries(redis)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8),
  };
}
