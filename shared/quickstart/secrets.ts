/**
 * Secrets the quickstart generates once and keeps in DATA_DIR, readable by this user only (0600):
 * the private PostgreSQL's and Redis's passwords and the secret box key. A file is created
 * atomically (written aside, then hard-linked into place), so processes starting at once all
 * read the same complete value; a file found with looser permissions is tightened.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

export const SECRET_FILES = {
  postgresPassword: "postgres.password",
  redisPassword: "redis.password",
  secretBoxKey: "secret-box.key",
} as const;

/** The secret in `${dataDir}/${name}`, created with `bytes` random bytes (base64url) if absent. */
export async function dataDirSecret(dataDir: string, name: string, bytes = 32): Promise<string> {
  const file = path.resolve(dataDir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const existing = await readSecret(file);
  if (existing !== undefined) return existing;
  const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await fs.writeFile(aside, randomBytes(bytes).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
  try {
    await fs.link(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Another process created it first: theirs is the one.
  } finally {
    await fs.unlink(aside).catch(() => undefined);
  }
  return (await readSecret(file))!;
}

async function readSecret(file: string): Promise<string | undefined> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if ((stat.mode & 0o077) !== 0) await fs.chmod(file, 0o600);
  return (await fs.readFile(file, "utf8")).trim();
}
