/**
 * shared/db.ts transaction(): PostgreSQL ending the connection while the transaction waits
 * between two statements (a shutdown, an idle-in-transaction timeout) rejects the transaction
 * and leaves the process and the pool working. Found by the PostgreSQL outage fault test
 * (test/e2e/faults.spec.ts): pg-pool leaves a checked-out client without an 'error' listener,
 * so the server's FATAL became an unhandled 'error' event that killed the service.
 */
import { expect } from "chai";
import { Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { eventually, sql, closeSql } from "../helpers/app";
import { testDatabaseUrl } from "../support/services";

describe("db transaction: connection ended by the server mid-transaction", () => {
  let pool: Pool;
  let db: ReturnType<typeof dbFromPool>;

  before(() => {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    pool.on("error", () => undefined);
    db = dbFromPool(pool);
  });

  after(async () => {
    await pool?.end();
    await closeSql();
  });

  it("rejects the transaction, emits nothing unhandled, and the pool still answers", async () => {
    const uncaught: Error[] = [];
    const record = (err: Error) => uncaught.push(err);
    // mocha's own handler would report it too; this makes the reason visible in the assertion.
    process.prependListener("uncaughtException", record);
    try {
      const done = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        const pid = rows[0]!.pid;
        await sql("SELECT pg_terminate_backend($1)", [pid]);
        // Idle between statements until the server has ended it (its FATAL is then on our socket).
        await eventually(
          async () => (await sql("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid])).length === 0,
          "the backend gone",
        );
        await new Promise((r) => setImmediate(r));
        await tx.query("SELECT 1");
      });
      const outcome = await done.then(
        () => "committed",
        (err: Error) => err.message,
      );
      expect(outcome).to.match(/terminat|connection|queryable/i);
    } finally {
      process.off("uncaughtException", record);
    }
    expect(uncaught.map((e) => e.message)).to.deep.equal([]);
    expect((await db.query("SELECT 1 AS one")).rows).to.deep.equal([{ one: 1 }]);
  });
});
