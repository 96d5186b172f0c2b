/**
 * Mocha global fixtures: the servers the tests need (found running, or started privately for
 * this run, see services.ts), one fresh, migrated PostgreSQL database for the whole run, and
 * cleanup of every Redis key the run created. Tests never touch a database they did not make.
 */
import { Client } from "pg";
import { Redis } from "ioredis";
import { createDataSource } from "../../ormconfig";
import { handlesLeftOpen } from "./open-handles";
import {
  databaseUrlFor,
  publishTestServices,
  runPrefix,
  startTestServices,
  testPgAdminUrl,
  testRedisUrl,
  type TestServices,
} from "./services";

const database = `pustaka_test_${process.pid}_${Date.now().toString(36)}`;
let services: TestServices | undefined;

export const mochaHooks = {
  /**
   * After the last test: nothing may be left open (a leaked Redis connection once kept a CI run
   * waiting 30 minutes after its last test). When this run started servers of its own (none was
   * running), their processes and pipes are open until the teardown: child processes and pipes are
   * then not counted (sockets to servers still are).
   */
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(20_000);
    const privateServers = (services?.started.length ?? 0) > 0;
    const open = await handlesLeftOpen(
      10_000,
      (h) =>
        privateServers &&
        (h.constructor?.name === "ChildProcess" || (h.constructor?.name === "Socket" && !h.remotePort)),
    );
    if (open.length) throw new Error(`left open by the tests (mocha cannot exit):\n  ${open.join("\n  ")}`);
  },
};

export async function mochaGlobalSetup(): Promise<void> {
  services = await startTestServices((line) => process.stderr.write(`[test services] ${line}\n`));
  if (services.started.length) {
    process.stderr.write(
      `[test services] started privately for this run: ${services.started.join(", ")} (stopped at the end)\n`,
    );
  }
  publishTestServices(services);
  try {
    await createTestDatabase();
  } catch (err) {
    await services.stop().catch(() => undefined); // the teardown does not run after a failed setup
    throw err;
  }
  runPrefix();
}

async function createTestDatabase(): Promise<void> {
  const admin = new Client({ connectionString: testPgAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(testPgAdminUrl(), database);
  const ds = createDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: "each" });
  } finally {
    await ds.destroy();
  }
  process.env.PUSTAKA_TEST_DATABASE_URL = url;
}

export async function mochaGlobalTeardown(): Promise<void> {
  try {
    await dropTestDatabase();
    await deleteRunKeys();
  } finally {
    await services?.stop();
  }
}

async function dropTestDatabase(): Promise<void> {
  const admin = new Client({ connectionString: testPgAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function deleteRunKeys(): Promise<void> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${runPrefix()}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
