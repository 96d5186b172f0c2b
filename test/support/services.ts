/**
 * Where the tests find the real services. Each test run gets its own PostgreSQL database
 * (created and migrated in root-hooks.ts, dropped afterwards) and its own Redis key prefix.
 */
import { randomBytes } from "node:crypto";

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const MARIADB_URL = process.env.TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";

/** The migrated database of this test run (set by the global setup). */
export function testDatabaseUrl(): string {
  const url = process.env.PUSTAKA_TEST_DATABASE_URL;
  if (!url) throw new Error("PUSTAKA_TEST_DATABASE_URL is not set: run the tests through mocha (npm test)");
  return url;
}

/** A Redis key prefix unique to this test run and caller, deleted by the global teardown. */
export function uniquePrefix(label = "t"): string {
  return `${runPrefix()}-${label}-${randomBytes(3).toString("hex")}`;
}

export function runPrefix(): string {
  return (process.env.PUSTAKA_TEST_PREFIX ??= `ptest-${process.pid}-${Date.now().toString(36)}`);
}

export function databaseUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = "/" + database;
  return url.toString();
}
