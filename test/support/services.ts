/**
 * Where the tests find PostgreSQL, Redis and MariaDB. For each: TEST_PG_ADMIN_URL /
 * TEST_REDIS_URL / TEST_MARIADB_URL if set; else the server on its standard local port if one
 * answers; else a private instance for this run from the installed server binaries, in a
 * temporary directory, listening on 127.0.0.1 only, stopped (and its directory removed) by the
 * global teardown. Each run gets its own PostgreSQL database (root-hooks.ts) and Redis key prefix.
 *
 * mocha loads the spec files before the global setup runs, so the specs read the URLs through the
 * functions below, when a hook or test runs, never into module-level constants.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { AppError } from "../../shared/errors";
import { once } from "../../shared/lifecycle";
import { findMariadbBinaries, startPrivateMariadb } from "../../shared/quickstart/local-mariadb";
import { startPrivatePostgres } from "../../shared/quickstart/local-postgres";
import { findPostgresBinaries } from "../../shared/quickstart/postgres-binaries";
import { findOnPath, isPortOpen, type LocalServer } from "../../shared/quickstart/processes";
import { ensureRedis } from "../../shared/quickstart/local-services";

const PG_ENV = "TEST_PG_ADMIN_URL";
const REDIS_ENV = "TEST_REDIS_URL";
const MARIADB_ENV = "TEST_MARIADB_URL";
const STANDARD = {
  postgres: { host: "127.0.0.1", port: 5432 },
  redis: { host: "127.0.0.1", port: 6379 },
  mariadb: { host: "127.0.0.1", port: 3306 },
};
export const INSTALL_LINE = "sudo apt-get install postgresql redis-server mariadb-server chromium";

/** A PostgreSQL superuser URL (database postgres) for creating and dropping test databases. */
export function testPgAdminUrl(): string {
  return fromSetup(PG_ENV);
}

export function testRedisUrl(): string {
  return fromSetup(REDIS_ENV);
}

/** MariaDB as root (no database): the SLiMS fixture creates its database and account. */
export function testMariadbUrl(): string {
  return fromSetup(MARIADB_ENV);
}

function fromSetup(variable: string): string {
  const url = process.env[variable];
  if (!url) throw new Error(`${variable} is not set: run the tests through mocha (npm test)`);
  return url;
}

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

export interface TestServices {
  pgAdminUrl: string;
  redisUrl: string;
  mariadbUrl: string;
  /** Names of the services started privately for this run (empty when all were found). */
  started: string[];
  /** Stops the private instances and removes their directory. Idempotent. */
  stop(): Promise<void>;
}

type Plan = { use: string } | { start: () => Promise<LocalServer>; name: string };

/**
 * Decides for every service first, so that a machine lacking several binaries is told all of
 * them in one line before anything is started; then starts the private ones, one at a time.
 * `log` gets one line per private instance decision (found servers are used silently).
 */
export async function startTestServices(log: (line: string) => void): Promise<TestServices> {
  let tempDir: string | undefined;
  const workDir = async () => {
    if (!tempDir) {
      tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pustaka-test-"));
      // mkdtemp makes it 0700; as root the private PostgreSQL and MariaDB run as their own users.
      await fs.chmod(tempDir, 0o755);
    }
    return tempDir;
  };
  const missing: string[] = [];
  const plans: Plan[] = [];

  const pgGiven = process.env[PG_ENV];
  if (pgGiven) plans.push({ use: pgGiven });
  else if (await isPortOpen(STANDARD.postgres))
    plans.push({ use: "postgres://postgres@127.0.0.1:5432/postgres" });
  else if (!(await findPostgresBinaries("").catch(() => undefined))) {
    missing.push("PostgreSQL (nothing on 127.0.0.1:5432, no initdb/pg_ctl)");
  } else {
    plans.push({
      name: "PostgreSQL",
      start: async () => {
        const server = await startPrivatePostgres(
          { dataDir: await workDir(), privatePort: await freePort(), log, superuser: "postgres" },
          {
            logHeadline: "PostgreSQL not reachable on 127.0.0.1:5432",
            errorHeadline: "PostgreSQL is not running on 127.0.0.1:5432",
          },
        );
        return { url: databaseUrlFor(server.url, "postgres"), stop: server.stop };
      },
    });
  }

  const redisGiven = process.env[REDIS_ENV];
  if (redisGiven) plans.push({ use: redisGiven });
  else if (await isPortOpen(STANDARD.redis)) plans.push({ use: "redis://127.0.0.1:6379" });
  else if (
    !(await findOnPath("redis-server", ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"]))
  ) {
    missing.push("Redis (nothing on 127.0.0.1:6379, no redis-server)");
  } else {
    plans.push({
      name: "Redis",
      start: async () => {
        const server = await ensureRedis({
          candidate: STANDARD.redis,
          dataDir: await workDir(),
          privatePort: await freePort(),
          log,
        });
        return {
          url: server.url,
          stop: async () => {
            await untilClientsLeft(server.url);
            await server.stop();
          },
        };
      },
    });
  }

  const mariadbGiven = process.env[MARIADB_ENV];
  const mariadbBinaries = mariadbGiven ? undefined : await findMariadbBinaries();
  if (mariadbGiven) plans.push({ use: mariadbGiven });
  else if (await isPortOpen(STANDARD.mariadb)) plans.push({ use: "mysql://root@127.0.0.1:3306" });
  else if (!mariadbBinaries) {
    missing.push("MariaDB (nothing on 127.0.0.1:3306, no mariadb-install-db/mariadbd)");
  } else {
    plans.push({
      name: "MariaDB",
      start: async () => {
        log("MariaDB not reachable on 127.0.0.1:3306: starting a private instance");
        return startPrivateMariadb({
          dir: path.join(await workDir(), "mariadb"),
          port: await freePort(),
          binaries: mariadbBinaries,
          log,
        });
      },
    });
  }

  if (missing.length) {
    throw oneLineError(
      `The tests need ${missing.join(", ")}: install the servers (Debian/Ubuntu: ${INSTALL_LINE}) ` +
        `or set ${PG_ENV} / ${REDIS_ENV} / ${MARIADB_ENV}`,
    );
  }

  const privateServers: LocalServer[] = [];
  const stop = once(async () => {
    const results = await Promise.allSettled(privateServers.map((s) => s.stop()));
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  });
  const urls: string[] = [];
  const started: string[] = [];
  try {
    for (const plan of plans) {
      if ("use" in plan) {
        urls.push(plan.use);
        continue;
      }
      const server = await plan.start();
      privateServers.push(server);
      started.push(plan.name);
      urls.push(server.url);
    }
  } catch (err) {
    await stop().catch(() => undefined); // leave nothing running behind a failed setup
    throw err;
  }
  const [pgAdminUrl, redisUrl, mariadbUrl] = urls as [string, string, string];
  return { pgAdminUrl, redisUrl, mariadbUrl, started, stop };
}

/** Export the URLs for the specs (and for child processes they spawn). */
export function publishTestServices(services: TestServices): void {
  process.env[PG_ENV] = services.pgAdminUrl;
  process.env[REDIS_ENV] = services.redisUrl;
  process.env[MARIADB_ENV] = services.mariadbUrl;
}

/**
 * Waits (bounded) until no other client is connected to a private Redis. A client that is still
 * finishing a blocking read when its server goes away would reconnect forever and keep mocha from
 * exiting: Socket.IO's streams adapter disconnects its reader only after the XREAD BLOCK (5 s) in
 * flight returns, however closed the console is.
 */
async function untilClientsLeft(url: string, timeoutMs = 15_000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const clients = String(await redis.call("CLIENT", "LIST"))
        .trim()
        .split("\n").length;
      if (clients <= 1 || Date.now() > deadline) return;
      await delay(100);
    }
  } catch {
    // The server is already gone or not answering: nothing to wait for.
  } finally {
    redis.disconnect();
  }
}

/** mocha prints a failed global setup's stack; this error's stack is its one line. */
function oneLineError(message: string): AppError {
  const err = new AppError("LOCAL_SERVICE_UNAVAILABLE", message);
  err.stack = message;
  return err;
}

/** A port nothing listens on right now (the kernel's pick, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
