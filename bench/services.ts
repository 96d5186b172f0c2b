/**
 * The bench's own services: a throwaway database on the local PostgreSQL (dropped at the end)
 * and a private redis-server on a free loopback port (no persistence, like this machine's
 * default), so INFO commandstats counts only the bench's commands. Everything on 127.0.0.1.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Client } from "pg";
import { Redis } from "ioredis";
import { freePort } from "../test/helpers/process";

export const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchServices {
  database: string;
  databaseUrl: string;
  redisUrl: string;
  redisPid: number;
  close(): Promise<void>;
}

export async function startServices(): Promise<BenchServices> {
  const database = `pustaka_bench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const port = await freePort();
  const redis: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: "ignore" },
  );
  const redisUrl = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch (err) {
      probe.disconnect();
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    database,
    databaseUrl: url.toString(),
    redisUrl,
    redisPid: redis.pid!,
    async close() {
      if (redis.exitCode === null) {
        redis.kill("SIGTERM");
        await once(redis, "exit");
      }
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      );
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.end();
    },
  };
}
