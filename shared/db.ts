/**
 * Raw SQL over the pg pool that TypeORM's DataSource owns: one pool, one engine. The hot path
 * (the message log) uses this instead of Repository.save(), which costs three round trips a row.
 */
import type { Pool, PoolClient, QueryResultRow } from "pg";
import type { DataSource } from "typeorm";

/**
 * A statement PostgreSQL parses and plans once per connection (a named prepared statement), for
 * the hot path: planning the message path's statements cost PostgreSQL more than running them
 * (docs/PERFORMANCE.md). The name must be unique per text and the text fixed (no interpolation
 * of values): each connection keeps every named statement it has seen.
 */
export interface Prepared {
  name: string;
  text: string;
}

export const prepared = (name: string, text: string): Prepared => ({ name, text });

export interface Sql {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string | Prepared,
    params?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
}

export interface Db extends Sql {
  /** Run `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export function dbFromDataSource(dataSource: DataSource): Db {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool || typeof pool.connect !== "function") {
    throw new Error("the DataSource is not an initialised PostgreSQL DataSource");
  }
  return dbFromPool(pool);
}

const guarded = new WeakSet<object>();

/**
 * pg-pool takes its own 'error' listener off a client while the client is checked out. A server
 * that ends the connection then (PostgreSQL shut down or restarted, the connection terminated)
 * between two statements of a transaction, or in the instant between a checkout and the first
 * query, makes the client emit 'error' with no listener: an uncaught exception that ends the
 * process. So every client gets a listener of its own the first time it is checked out; the
 * query on it still rejects, and the pool still drops the broken client on release.
 */
function guardClients(pool: Pool): void {
  if (guarded.has(pool)) return;
  guarded.add(pool);
  pool.on("acquire", (client) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on("error", () => undefined);
  });
}

export function dbFromPool(pool: Pool): Db {
  guardClients(pool);
  const wrap = (runner: Pool | PoolClient): Sql => ({
    async query<R extends QueryResultRow>(text: string | Prepared, params: unknown[] = []) {
      const result =
        typeof text === "string"
          ? await runner.query<R>(text, params)
          : await runner.query<R>({ name: text.name, text: text.text, values: params });
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  });
  return {
    ...wrap(pool),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true; // the connection is gone; do not hand it back to the pool
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
  };
}

/** The DataSource's pg pool itself, for what needs a dedicated connection (a server-side cursor). */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool || typeof pool.connect !== "function") {
    throw new Error("the DataSource is not an initialised PostgreSQL DataSource");
  }
  return pool;
}
