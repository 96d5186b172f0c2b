/**
 * Raw SQL over the pg pool that TypeORM's DataSource owns: one pool, one engine. The hot path
 * (the message log) uses this instead of Repository.save(), which costs three round trips a row.
 */
import type { Pool, PoolClient, QueryResultRow } from "pg";
import type { DataSource } from "typeorm";

export interface Sql {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
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

export function dbFromPool(pool: Pool): Db {
  const wrap = (runner: Pool | PoolClient): Sql => ({
    async query<R extends QueryResultRow>(text: string, params: unknown[] = []) {
      const result = await runner.query<R>(text, params);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  });
  return {
    ...wrap(pool),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      // pg-pool takes its own 'error' listener off a client while it is checked out: a server
      // that ends the connection between two statements (PostgreSQL shut down) would emit an
      // unhandled 'error' and kill the process. Mark it broken instead; the next query rejects.
      const onError = () => (broken = true);
      client.on("error", onError);
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
        client.off("error", onError);
        client.release(broken);
      }
    },
  };
}
