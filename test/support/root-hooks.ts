/**
 * Mocha global fixtures: one fresh, migrated PostgreSQL database for the whole run, and
 * cleanup of every Redis key the run created. Tests never touch a database they did not make.
 */
import { Client } from "pg";
import { Redis } from "ioredis";
import { createDataSource } from "../../ormconfig";
import { databaseUrlFor, PG_ADMIN_URL, REDIS_URL, runPrefix } from "./services";

const database = `pustaka_test_${process.pid}_${Date.now().toString(36)}`;

export async function mochaGlobalSetup(): Promise<void> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(PG_ADMIN_URL, database);
  const ds = createDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: "each" });
  } finally {
    await ds.destroy();
  }
  process.env.PUSTAKA_TEST_DATABASE_URL = url;
  runPrefix();
}

export async function mochaGlobalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
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
