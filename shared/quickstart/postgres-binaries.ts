/** Where a machine keeps PostgreSQL's server programs (for the quickstart's private cluster). */
import { promises as fs } from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import { isExecutable, pathDirs } from "./processes";

export const POSTGRES_INSTALL_HINT =
  "install it (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql@16)";

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

/**
 * initdb, pg_ctl and postgres must come from one installation (pg_ctl starts the postgres beside
 * it). Debian keeps them off PATH in /usr/lib/postgresql/<version>/bin, Homebrew's versioned
 * formulae in <prefix>/opt/postgresql@<version>/bin; PATH wins, then the highest version.
 */
export async function findPostgresBinaries(headline: string): Promise<PostgresBinaries> {
  const dirs: string[] = [];
  for (const dir of pathDirs()) {
    const initdb = path.join(dir, "initdb");
    if (await isExecutable(initdb)) dirs.push(path.dirname(await fs.realpath(initdb)), dir);
  }
  dirs.push(...(await versionedDirs("/usr/lib/postgresql", (name) => name, "bin")));
  for (const prefix of ["/opt/homebrew/opt", "/usr/local/opt"]) {
    dirs.push(...(await versionedDirs(prefix, (name) => name.match(/^postgresql@(.+)$/)?.[1], "bin")));
  }
  let partial: string | undefined;
  for (const dir of dirs) {
    const [initdb, pgCtl, postgres] = ["initdb", "pg_ctl", "postgres"].map((name) =>
      path.join(dir, name),
    ) as [string, string, string];
    if (!(await isExecutable(initdb))) continue;
    if ((await isExecutable(pgCtl)) && (await isExecutable(postgres))) return { initdb, pgCtl };
    partial ??= dir;
  }
  if (partial) {
    throw new AppError(
      "LOCAL_SERVICE_UNAVAILABLE",
      `${headline}, and ${partial} has initdb but not pg_ctl and postgres beside it: ${POSTGRES_INSTALL_HINT}, or set DATABASE_URL`,
    );
  }
  throw new AppError(
    "LOCAL_SERVICE_UNAVAILABLE",
    `${headline} and initdb was not found: ${POSTGRES_INSTALL_HINT} or set DATABASE_URL`,
  );
}

/** `<root>/<entry>/<sub>` for each entry whose version (per `version`) parses, highest version first. */
async function versionedDirs(root: string, version: (name: string) => string | undefined, sub: string) {
  const entries = await fs.readdir(root).catch(() => [] as string[]);
  return entries
    .map((name) => ({ name, v: Number.parseFloat(version(name) ?? "") }))
    .filter((e) => Number.isFinite(e.v))
    .sort((a, b) => b.v - a.v)
    .map((e) => path.join(root, e.name, sub));
}
