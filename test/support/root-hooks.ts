/**
 * Mocha global fixtures: the servers the tests need (found running, or started privately for
 * this run, see services.ts), one fresh, migrated PostgreSQL database for the whole run, and
 * cleanup of every Redis key the run created. Tests never touch a database they did not make.
 */
import { Client } from "pg";
import { Redis } from "ioredis";
import { createDataSource } from "../../ormconfig";
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
