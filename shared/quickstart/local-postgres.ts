/**
 * PostgreSQL for the quickstart (see local-services.ts): use the server already running on this
 * machine when we can log in to it without a password, otherwise initialise and start a private
 * cluster under DATA_DIR. The private cluster asks for a password (scram-sha-256, over TCP and
 * its unix socket alike), generated once into DATA_DIR/postgres.password (mode 0600): other
 * local users cannot log in to it. A cluster made by an older version with `trust` is given the
 * password and switched to scram-sha-256 on its next start.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { AppError, errorMessage } from "../errors";
import { findPostgresBinaries, type PostgresBinaries } from "./postgres-binaries";
import { dataDirSecret, SECRET_FILES } from "./secrets";
import {
  exists,
  findOnPath,
  isPortOpen,
  lastLines,
  run,
  runAs,
  shellQuote,
  type Endpoint,
  type LocalServer,
  type Log,
  type Runner,
} from "./processes";

export const DATABASE_NAME = "pustaka_relay";
/** The default superuser of a private cluster (initdb -U); its password is in DATA_DIR. */
const PRIVATE_SUPERUSER = "pustaka";
/** initdb and pg_ctl refuse to run as root; as root we run them as this user (Debian's packages create it). */
const SERVICE_USER = "postgres";

export async function ensurePostgres(options: {
  candidate: Endpoint;
  dataDir: string;
  privatePort: number;
  log: Log;
}): Promise<LocalServer> {
  const { candidate, log } = options;
  const where = `${candidate.host}:${candidate.port}`;

  if (!(await isPortOpen(candidate))) {
    return startPrivatePostgres(options, {
      logHeadline: `PostgreSQL not reachable on ${where}`,
      errorHeadline: `PostgreSQL is not running on ${where}`,
    });
  }

  // Something listens. Debian's packages trust local TCP logins as `postgres`; Homebrew's cluster
  // belongs to the OS user. Try both; a server that wants a password is not ours to use.
  const failures: string[] = [];
  for (const user of loginCandidates()) {
    const client = new Client({ ...candidate, user, database: "postgres", connectionTimeoutMillis: 5000 });
    client.on("error", () => {}); // a dropped connection surfaces through the query promises below
    try {
      await client.connect();
    } catch (err) {
      failures.push(`${user}: ${errorMessage(err)}`);
      await client.end().catch(() => {});
      continue;
    }
    try {
      const created = await createDatabase(client, where, user);
      log(
        `Using PostgreSQL on ${where} as user ${user}, database ${DATABASE_NAME}${created ? " (created)" : ""}`,
      );
      return { url: postgresUrl(user, candidate), stop: async () => {} };
    } finally {
      await client.end().catch(() => {});
    }
  }
  return startPrivatePostgres(options, {
    logHeadline: `Could not log in to PostgreSQL on ${where} (${failures.join("; ")})`,
    errorHeadline: `PostgreSQL on ${where} would not let us log in as ${loginCandidates().join(" or ")}`,
  });
}

function loginCandidates(): string[] {
  let osUser: string | undefined;
  try {
    osUser = os.userInfo().username;
  } catch {
    // No passwd entry (an arbitrary uid in a container): only `postgres` is worth a try.
  }
  return [...new Set([SERVICE_USER, ...(osUser ? [osUser] : [])])];
}

/** Creates pustaka_relay unless it exists. Returns whether it was created. */
async function createDatabase(client: Client, where: string, user: string): Promise<boolean> {
  const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
  if (found.rowCount) return false;
  try {
    await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    return true;
  } catch (err) {
    // Another process created it between our SELECT and CREATE: 42P04 duplicate_database, or
    // 23505 when both inserts reached pg_database's unique index at once.
    const code = (err as { code?: string }).code;
    if (code === "42P04" || code === "23505") return false;
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `Logged in to PostgreSQL on ${where} as ${user} but could not create database ${DATABASE_NAME} ` +
        `(${errorMessage(err)}): create it, or set DATABASE_URL`,
      { cause: err },
    );
  }
}

export interface PrivatePostgresOptions {
  /** The cluster lives in `${dataDir}/postgres`. */
  dataDir: string;
  privatePort: number;
  log: Log;
  /** initdb -U; defaults to "pustaka". The test suite uses "postgres", as on a Debian server. */
  superuser?: string;
}

/**
 * Initialise (or reuse) and start a private cluster; `why` words the first log line and the
 * errors. The URL names database pustaka_relay (created). Exported for the test suite, which runs
 * one per test run in a temporary directory when no PostgreSQL is running.
 */
export async function startPrivatePostgres(
  options: PrivatePostgresOptions,
  why: { logHeadline: string; errorHeadline: string },
): Promise<LocalServer> {
  const { log, privatePort } = options;
  const superuser = options.superuser ?? PRIVATE_SUPERUSER;
  const shown = path.join(options.dataDir, "postgres"); // as the user wrote it, for messages
  const dir = path.resolve(shown);
  log(`${why.logHeadline}: starting a private instance in ${shown} (port ${privatePort})`);

  const bin = await findPostgresBinaries(why.errorHeadline);
  const runner = await makeRunner(why.errorHeadline);
  const password = await dataDirSecret(options.dataDir, SECRET_FILES.postgresPassword);

  // DATA_DIR with the default mode (a recursive mkdir would give every new parent 0700, which the
  // service user could not enter); the cluster directory itself is private.
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const initialised = await exists(path.join(dir, "PG_VERSION"));
  if (!initialised) {
    if ((await fs.readdir(dir)).length > 0) {
      throw new AppError(
        "LOCAL_SERVICE_UNAVAILABLE",
        `${shown} is not empty but holds no PostgreSQL cluster (no PG_VERSION): move it away, or set DATABASE_URL`,
      );
    }
    if (runner.owner) await fs.chown(dir, runner.owner.uid, runner.owner.gid);
  }
  if (runner.owner) {
    // A parent directory that the service user cannot enter (mkdtemp's 0700, /root) would make
    // initdb or the postmaster fail with a less helpful message; say it here.
    const probe = await runAs(runner, "test", ["-w", dir, "-a", "-x", dir]);
    if (probe.code !== 0) {
      throw new AppError(
        "LOCAL_SERVICE_UNAVAILABLE",
        `User ${SERVICE_USER} cannot write to ${dir} (a parent directory is not searchable for it): ` +
          `allow it (chmod o+x on each parent), choose another DATA_DIR, or set DATABASE_URL`,
      );
    }
  }

  if (initialised) {
    // A private instance from an earlier run that was not stopped (killed, or still serving another
    // process): use it where it listens, and leave it running, since this call did not start it.
    const runningPort = await privateInstancePort(dir, bin, runner);
    if (runningPort !== undefined) {
      const endpoint = { host: "127.0.0.1", port: runningPort };
      log(
        `The private PostgreSQL in ${shown} is already running on port ${runningPort}: using it (left running)`,
      );
      return { url: await privateDatabaseUrl(endpoint, log, superuser, password), stop: async () => {} };
    }
    log(`Reusing the PostgreSQL cluster initialised earlier in ${shown}`);
  } else {
    await initdb(dir, bin, runner, superuser, password);
    log(
      `Initialised a PostgreSQL cluster in ${shown}` +
        (runner.owner ? ` (as user ${SERVICE_USER}: initdb refuses to run as root)` : ""),
    );
  }

  const endpoint = { host: "127.0.0.1", port: privatePort };
  if (await isPortOpen(endpoint)) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `Cannot start the private PostgreSQL: port ${privatePort} on 127.0.0.1 is already used by another program; ` +
        `stop it, or set DATABASE_URL`,
    );
  }
  await pgCtlStart(dir, privatePort, bin, runner);
  log(`Started private PostgreSQL on 127.0.0.1:${privatePort} (log: ${path.join(shown, "server.log")})`);
  if (initialised) await requirePassword(dir, endpoint, superuser, password, bin, runner, log);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const result = await runAs(runner, bin.pgCtl, ["stop", "-D", dir, "-m", "fast", "-w"], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      // Already gone (someone else stopped it, its PID file is removed): that is what we wanted.
      if (result.code !== 0 && !/not running|PID file .* does not exist/i.test(result.stderr)) {
        throw new AppError("LOCAL_SERVICE_UNAVAILABLE", `pg_ctl stop failed: ${lastLines(result.stderr)}`);
      }
    })());
  try {
    return { url: await privateDatabaseUrl(endpoint, log, superuser, password), stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

async function privateDatabaseUrl(
  endpoint: Endpoint,
  log: Log,
  superuser: string,
  password: string,
): Promise<string> {
  const where = `${endpoint.host}:${endpoint.port}`;
  const client = new Client({
    ...endpoint,
    user: superuser,
    password,
    database: "postgres",
    connectionTimeoutMillis: 5000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const created = await createDatabase(client, where, superuser);
    log(`Using private PostgreSQL on ${where}, database ${DATABASE_NAME}${created ? " (created)" : ""}`);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `Cannot log in to the private PostgreSQL on ${where} as ${superuser}: ${errorMessage(err)}`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => {});
  }
  return postgresUrl(superuser, endpoint, password);
}

/**
 * A cluster initialised by an older version with `trust`: give the superuser the password and
 * switch pg_hba.conf to scram-sha-256 (then reload). A cluster that already asks is left alone.
 */
async function requirePassword(
  dir: string,
  endpoint: Endpoint,
  superuser: string,
  password: string,
  bin: PostgresBinaries,
  runner: Runner,
  log: Log,
): Promise<void> {
  const hbaFile = path.join(dir, "pg_hba.conf");
  const hba = await fs.readFile(hbaFile, "utf8");
  const rule = /^(\s*(?:local|host\S*)\s.*?)\btrust\b/gm;
  if (!rule.test(hba)) return;
  const client = new Client({
    ...endpoint,
    user: superuser,
    database: "postgres",
    connectionTimeoutMillis: 5000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    // A utility statement takes no parameters; the password is base64url, so it needs no quoting.
    await client.query(`SET password_encryption = 'scram-sha-256'`);
    await client.query(`ALTER ROLE ${quoteIdent(superuser)} PASSWORD '${password.replace(/'/g, "''")}'`);
  } finally {
    await client.end().catch(() => {});
  }
  await fs.writeFile(hbaFile, hba.replace(rule, "$1scram-sha-256"));
  const reload = await runAs(runner, bin.pgCtl, ["reload", "-D", dir], { cwd: dir });
  if (reload.code !== 0)
    throw new AppError("LOCAL_SERVICE_UNAVAILABLE", `pg_ctl reload failed: ${lastLines(reload.stderr)}`);
  log(`The private PostgreSQL in ${dir} trusted every local login: it now asks for the password in DATA_DIR`);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function postgresUrl(user: string, { host, port }: Endpoint, password?: string): string {
  const h = host.includes(":") ? `[${host}]` : host;
  const credentials = encodeURIComponent(user) + (password ? `:${encodeURIComponent(password)}` : "");
  return `postgres://${credentials}@${h}:${port}/${DATABASE_NAME}`;
}

/** How to run initdb and pg_ctl: directly, or (as root) through runuser as the postgres user. */
async function makeRunner(headline: string): Promise<Runner> {
  if (process.getuid?.() !== 0) {
    return { wrap: (command, args) => [command, args], owner: undefined };
  }
  const rootHint = `run as a normal user, or set DATABASE_URL`;
  const runuser = await findOnPath("runuser", ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
  if (!runuser) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `${headline}, and a private instance cannot be started as root: initdb refuses to run as root and ` +
        `runuser (util-linux), needed to run it as user ${SERVICE_USER}, was not found: ${rootHint}`,
    );
  }
  const uid = await run("id", ["-u", SERVICE_USER]).catch(() => undefined);
  const gid = await run("id", ["-g", SERVICE_USER]).catch(() => undefined);
  if (!uid || !gid || uid.code !== 0 || gid.code !== 0) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `${headline}, and a private instance cannot be started as root: initdb refuses to run as root and there ` +
        `is no user "${SERVICE_USER}" to run it as: create one (Debian/Ubuntu: sudo apt-get install postgresql ` +
        `does; or sudo useradd --system ${SERVICE_USER}), ${rootHint}`,
    );
  }
  return {
    wrap: (command, args) => [runuser, ["-u", SERVICE_USER, "--", command, ...args]],
    owner: { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) },
  };
}

async function initdb(
  dir: string,
  bin: PostgresBinaries,
  runner: Runner,
  superuser: string,
  password: string,
): Promise<void> {
  // The password reaches initdb in a file beside the cluster (never on a command line, which
  // every local user can read in ps), readable only by the user initdb runs as, removed after.
  const pwfile = path.join(path.dirname(dir), `.initdb-pw-${process.pid}`);
  await fs.writeFile(pwfile, password + "\n", { mode: 0o600 });
  if (runner.owner) await fs.chown(pwfile, runner.owner.uid, runner.owner.gid);
  const base = ["-D", dir, "-U", superuser, "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8"];
  let result;
  try {
    result = await runAs(runner, bin.initdb, [...base, "--locale=C.UTF-8"], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    // Minimal systems (and macOS) may lack C.UTF-8; the C locale with UTF8 encoding is fine for us.
    // initdb empties the directory again after a failure, so it can simply be retried.
    if (result.code !== 0 && /locale/i.test(result.stderr)) {
      result = await runAs(runner, bin.initdb, [...base, "--no-locale"], { cwd: dir, timeoutMs: 120_000 });
    }
  } finally {
    await fs.unlink(pwfile).catch(() => {});
  }
  if (result.code !== 0) {
    throw new AppError("LOCAL_SERVICE_UNAVAILABLE", `initdb failed in ${dir}: ${lastLines(result.stderr)}`);
  }
}

/** The port of the running postmaster of `dir`, or undefined when none runs. */
async function privateInstancePort(
  dir: string,
  bin: PostgresBinaries,
  runner: Runner,
): Promise<number | undefined> {
  const status = await runAs(runner, bin.pgCtl, ["status", "-D", dir], { cwd: dir });
  if (status.code !== 0) return undefined;
  // postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
  const lines = (await fs.readFile(path.join(dir, "postmaster.pid"), "utf8").catch(() => "")).split("\n");
  const port = Number(lines[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

async function pgCtlStart(dir: string, port: number, bin: PostgresBinaries, runner: Runner): Promise<void> {
  // The unix socket goes into the data directory, so neither /var/run/postgresql nor /tmp is
  // touched; a socket path longer than sun_path (~107 bytes) would stop the server, so a very
  // deep DATA_DIR gets TCP only.
  const socketDir = path.join(dir, `.s.PGSQL.${port}`).length < 100 ? dir : "";
  const postgresOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${shellQuote(socketDir)}`;
  const logFile = path.join(dir, "server.log");
  // -l matters beyond logging: without it the postmaster would inherit our stdout pipe.
  const result = await runAs(
    runner,
    bin.pgCtl,
    ["start", "-D", dir, "-l", logFile, "-w", "-t", "60", "-o", postgresOptions],
    { cwd: dir, timeoutMs: 90_000 },
  );
  if (result.code !== 0) {
    const log = await fs.readFile(logFile, "utf8").catch(() => "");
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `pg_ctl could not start the private PostgreSQL in ${dir}: ${lastLines(result.stderr || result.stdout)}` +
        (log ? `\n${logFile}:\n${lastLines(log, 8)}` : ""),
    );
  }
}
