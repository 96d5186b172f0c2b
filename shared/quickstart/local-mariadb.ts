/**
 * A private MariaDB for whoever needs one but finds none running — today the test suite's SLiMS
 * fixture. A fresh datadir is initialised by mariadb-install-db with root having no password
 * (real grant tables, so CREATE USER and GRANT behave as on a library's server), and mariadbd runs
 * as our child, listening on 127.0.0.1:<port> and a unix socket inside the directory, nothing else.
 * As root the server runs as the `mysql` user, as Debian's packages do.
 */
import { execFile, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../errors";
import { findOnPath, isPortOpen, lastLines, supervise, type LocalServer, type Log } from "./processes";

export interface MariadbBinaries {
  installDb: string;
  server: string;
}

/** mariadbd refuses to run as root unless told which user to become; Debian creates this one. */
const SERVICE_USER = "mysql";
const INSTALL_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

/** mariadb-install-db and mariadbd (or their older mysql_install_db / mysqld names), or undefined. */
export async function findMariadbBinaries(): Promise<MariadbBinaries | undefined> {
  const binDirs = ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"];
  const installDb =
    (await findOnPath("mariadb-install-db", binDirs)) ?? (await findOnPath("mysql_install_db", binDirs));
  const serverDirs = ["/usr/sbin", "/usr/local/sbin", ...binDirs];
  const server = (await findOnPath("mariadbd", serverDirs)) ?? (await findOnPath("mysqld", serverDirs));
  return installDb && server ? { installDb, server } : undefined;
}

/**
 * Initialise `dir` (which must not exist yet or be empty; its parent must be searchable by the
 * mysql user when we are root) and start the server on 127.0.0.1:`port`. The URL logs in as root.
 */
export async function startPrivateMariadb(options: {
  dir: string;
  port: number;
  binaries: MariadbBinaries;
  log: Log;
}): Promise<LocalServer> {
  const { port, binaries, log } = options;
  const dir = path.resolve(options.dir);
  const dataDir = path.join(dir, "data");
  const socket = path.join(dir, "mysqld.sock");
  const errorLog = path.join(dir, "error.log");
  if (socket.length > 100) {
    throw new AppError("LOCAL_SERVICE_UNAVAILABLE", `${dir} is too deep for a unix socket path`);
  }
  if (await isPortOpen({ host: "127.0.0.1", port })) {
    throw new AppError("LOCAL_SERVICE_UNAVAILABLE", `Port ${port} on 127.0.0.1 is already used`);
  }

  const asRoot = process.getuid?.() === 0;
  const userArgs = asRoot ? [`--user=${SERVICE_USER}`] : [];
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    const owner = await serviceUser();
    await fs.chown(dir, owner.uid, owner.gid);
  }

  const began = Date.now();
  // --no-defaults first: /etc/mysql/my.cnf belongs to the system's server, not to this one.
  const install = await run(binaries.installDb, [
    "--no-defaults",
    `--datadir=${dataDir}`,
    "--auth-root-authentication-method=normal", // root without a password, over TCP too
    "--skip-test-db",
    ...userArgs,
  ]);
  if (install.code !== 0) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `${path.basename(binaries.installDb)} failed (exit ${install.code}) in ${dataDir}: ${lastLines(install.output)}`,
    );
  }
  log(`Initialised a MariaDB datadir in ${dataDir} in ${((Date.now() - began) / 1000).toFixed(1)} s`);

  const child = spawn(
    binaries.server,
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${path.join(dir, "mysqld.pid")}`,
      `--log-error=${errorLog}`,
      `--tmpdir=${dir}`,
      "--skip-name-resolve", // no DNS lookups per connection; accounts are '…'@'%' or 127.0.0.1
      "--innodb-buffer-pool-size=32M",
      ...userArgs,
    ],
    { stdio: "ignore" },
  );
  const { exit, stop } = supervise(child, STOP_TIMEOUT_MS);

  // mariadbd opens its listeners only once it is ready for connections.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await isPortOpen({ host: "127.0.0.1", port }, 500))) {
    if (exit() !== undefined || Date.now() > deadline) {
      const why = exit() ?? `did not listen within ${START_TIMEOUT_MS / 1000} s`;
      await stop();
      const tail = await fs.readFile(errorLog, "utf8").catch(() => "");
      throw new AppError(
        "LOCAL_SERVICE_UNAVAILABLE",
        `mariadbd ${why} on port ${port}` + (tail ? `\n${errorLog}:\n${lastLines(tail, 8)}` : ""),
      );
    }
    await delay(50);
  }
  log(
    `Started private MariaDB on 127.0.0.1:${port}` +
      (asRoot ? ` (as user ${SERVICE_USER})` : "") +
      ` (log: ${errorLog})`,
  );
  return { url: `mysql://root@127.0.0.1:${port}`, stop };
}

async function serviceUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", SERVICE_USER]), run("id", ["-g", SERVICE_USER])]);
  if (uid.code !== 0 || gid.code !== 0) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `A private MariaDB cannot run as root without a "${SERVICE_USER}" user to run it as: create one ` +
        `(Debian/Ubuntu: sudo apt-get install mariadb-server does), or run as a normal user`,
    );
  }
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

/** Runs a program to completion; resolves with its exit code and combined output. */
function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: INSTALL_TIMEOUT_MS, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") {
        const reason = err.killed ? `timed out after ${INSTALL_TIMEOUT_MS / 1000} s` : err.message;
        reject(new AppError("LOCAL_SERVICE_UNAVAILABLE", `${path.basename(file)} ${reason}`, { cause: err }));
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, output: `${stdout}${stderr}` });
    });
  });
}
