/**
 * The quickstart's PostgreSQL and Redis. When DATABASE_URL / REDIS_URL are set they are used as
 * they are. Otherwise we look for servers already running on this machine (the usual ports,
 * Debian's and Homebrew's default no-password logins) and, failing that, run private ones whose
 * files live under DATA_DIR, so `npm start` works on a machine with the packages installed but
 * nothing configured. Each decision is logged as one plain line, and stop() undoes only what this
 * call started. The PostgreSQL half lives in local-postgres.ts; the Redis half is here.
 *
 * Private servers are not open to other local users: each asks for a password generated once
 * into DATA_DIR (postgres.password, redis.password; mode 0600, see secrets.ts). Redis reads its
 * password from a 0600 config file, never from its command line (which `ps` shows to everyone).
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { AppError, errorMessage } from "../errors";
import { redactUrl } from "../redact";
import { ensurePostgres } from "./local-postgres";
import { dataDirSecret, SECRET_FILES } from "./secrets";
import {
  findOnPath,
  isPortOpen,
  lastLines,
  supervise,
  type Endpoint,
  type LocalServer,
  type Log,
} from "./processes";

export interface LocalServices {
  databaseUrl: string;
  redisUrl: string;
  /** Every line passed to `log`, in order, for showing again later (a status page, a summary). */
  notes: string[];
  /** Stops the private servers this call started; servers it merely found keep running. Idempotent. */
  stop(): Promise<void>;
}

export interface LocalServicesOptions {
  /** From config; when set, used as is (the database is not created). */
  databaseUrl?: string;
  redisUrl?: string;
  /** Private instances live in `${dataDir}/postgres` and `${dataDir}/redis`. */
  dataDir: string;
  /** One human line per decision. */
  log: (line: string) => void;
  /** Where to look for running servers; defaults 127.0.0.1:5432 and 127.0.0.1:6379. */
  candidates?: { postgres?: Endpoint; redis?: Endpoint };
  /** Ports for private instances; defaults 54329 and 63799, away from the standard ones. */
  privatePorts?: { postgres: number; redis: number };
}

const DEFAULT_POSTGRES: Endpoint = { host: "127.0.0.1", port: 5432 };
const DEFAULT_REDIS: Endpoint = { host: "127.0.0.1", port: 6379 };
const DEFAULT_PRIVATE_PORTS = { postgres: 54329, redis: 63799 };

export async function ensureLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const notes: string[] = [];
  const log: Log = (line) => {
    notes.push(line);
    options.log(line);
  };
  const privatePorts = options.privatePorts ?? DEFAULT_PRIVATE_PORTS;

  let postgres: LocalServer;
  if (options.databaseUrl) {
    log(`Using PostgreSQL from DATABASE_URL (${redactUrl(options.databaseUrl)})`);
    postgres = { url: options.databaseUrl, stop: async () => {} };
  } else {
    postgres = await ensurePostgres({
      candidate: options.candidates?.postgres ?? DEFAULT_POSTGRES,
      dataDir: options.dataDir,
      privatePort: privatePorts.postgres,
      log,
    });
  }

  let redis: LocalServer;
  try {
    if (options.redisUrl) {
      log(`Using Redis from REDIS_URL (${redactUrl(options.redisUrl)})`);
      redis = { url: options.redisUrl, stop: async () => {} };
    } else {
      redis = await ensureRedis({
        candidate: options.candidates?.redis ?? DEFAULT_REDIS,
        dataDir: options.dataDir,
        privatePort: privatePorts.redis,
        log,
      });
    }
  } catch (err) {
    await postgres.stop().catch(() => {}); // do not leave a private PostgreSQL behind a failed start
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    notes,
    stop: () =>
      (stopping ??= Promise.allSettled([redis.stop(), postgres.stop()]).then((results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
      })),
  };
}

// ---- Redis ----

const REDIS_INSTALL_HINT =
  "install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)";
const REDIS_START_TIMEOUT_MS = 15_000;
const REDIS_STOP_TIMEOUT_MS = 5_000;

/** The Redis on `candidate` if it answers PING, else a private child redis-server (exported for the test suite). */
export async function ensureRedis(options: {
  candidate: Endpoint;
  dataDir: string;
  privatePort: number;
  log: Log;
}): Promise<LocalServer> {
  const { candidate, privatePort, log } = options;
  const where = `${candidate.host}:${candidate.port}`;
  const found = await pingRedis(candidate);
  if (found.ok) {
    log(`Using Redis on ${where}`);
    return { url: redisUrl(candidate), stop: async () => {} };
  }
  const headline = found.listening
    ? `Redis on ${where} did not answer PING (${found.reason})`
    : `Redis not reachable on ${where}`;

  const server = await findOnPath("redis-server", [
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/opt/homebrew/bin",
  ]);
  if (!server) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `${found.listening ? headline : `Redis is not running on ${where}`} and redis-server was not found: ` +
        `${REDIS_INSTALL_HINT} or set REDIS_URL`,
    );
  }

  const endpoint = { host: "127.0.0.1", port: privatePort };
  const shown = path.join(options.dataDir, "redis");
  const password = await dataDirSecret(options.dataDir, SECRET_FILES.redisPassword);
  const leftover = await pingRedis(endpoint, 1000, password);
  if (leftover.ok) {
    // Our child dies with us on a normal exit or Ctrl-C, but not when we are SIGKILLed; the
    // orphan still serves this data dir's port, so use it rather than fail. We did not start it.
    log(`${headline}: a Redis already answers on private port ${privatePort}: using it (left running)`);
    return { url: redisUrl(endpoint, password), stop: async () => {} };
  }
  if (leftover.listening) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `${headline}, and private port ${privatePort} on 127.0.0.1 is used by another program: stop it, or set REDIS_URL`,
    );
  }

  const dir = path.resolve(shown);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, "redis.conf");
  await fs.writeFile(configFile, `requirepass ${password}\n`, { mode: 0o600 });
  await fs.chmod(configFile, 0o600); // an older file keeps its mode through writeFile
  log(
    `${headline}: starting a private redis-server on 127.0.0.1:${privatePort} (dir ${shown}, nothing saved to disk)`,
  );
  // A child, not --daemonize: it goes when we go, and stop() can wait for its exit.
  const child = spawn(
    server,
    [
      configFile,
      ...[
        "--port",
        String(privatePort),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
      ],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = ""; // the tail of what it printed, for error messages; keeps its banner off our terminal
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  // redis-server shuts down cleanly on SIGTERM; with --save "" it writes nothing.
  const { exit, stop } = supervise(child, REDIS_STOP_TIMEOUT_MS);

  const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
  for (;;) {
    if (exit() !== undefined) {
      await stop();
      throw new AppError(
        "LOCAL_SERVICE_UNAVAILABLE",
        `redis-server ${exit()} before answering PING on port ${privatePort}: ${lastLines(output)}`,
      );
    }
    if ((await pingRedis(endpoint, 1000, password)).ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new AppError(
        "LOCAL_SERVICE_UNAVAILABLE",
        `redis-server did not answer PING on port ${privatePort} within ${REDIS_START_TIMEOUT_MS / 1000} s: ` +
          lastLines(output),
      );
    }
    await delay(50);
  }
  log(`Started private Redis on 127.0.0.1:${privatePort}`);
  return { url: redisUrl(endpoint, password), stop };
}

type PingResult = { ok: true } | { ok: false; listening: boolean; reason: string };

/**
 * One PING, bounded in time. A plain TCP probe first, so a closed port costs no client at all;
 * then an ioredis client that never retries or reconnects (retryStrategy null), so no timer
 * outlives this call, with an 'error' listener so a failure is not reported as unhandled.
 */
async function pingRedis(endpoint: Endpoint, timeoutMs = 1000, password?: string): Promise<PingResult> {
  if (!(await isPortOpen(endpoint, timeoutMs)))
    return { ok: false, listening: false, reason: "connection refused" };
  const client = new Redis({
    ...endpoint,
    ...(password ? { password } : {}),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs, // a server that accepts but never answers (not Redis) must not hang us
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const reply = await client.ping();
    return reply === "PONG" ? { ok: true } : { ok: false, listening: true, reason: `answered ${reply}` };
  } catch (err) {
    return { ok: false, listening: true, reason: errorMessage(err) };
  } finally {
    client.disconnect();
  }
}

function redisUrl({ host, port }: Endpoint, password?: string): string {
  const credentials = password ? `:${encodeURIComponent(password)}@` : "";
  return `redis://${credentials}${host.includes(":") ? `[${host}]` : host}:${port}`;
}
