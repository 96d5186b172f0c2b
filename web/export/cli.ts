/**
 * The auditors' export from the command line. Reads DATABASE_URL like the service, the library's
 * zone from LIBRARY_TIMEZONE (default Asia/Jakarta) and its name from LIBRARY_NAME (a transcript's
 * first page), and the manifest key from SECRET_BOX_KEY (or the key file in DATA_DIR, as the
 * service does).
 *
 *   npm run export -- --from 2026-01-01 --to 2026-01-31 --format csv|jsonl|html|pdf [--out FILE] [--manifest FILE]
 *        [--channel telegram] [--librarian USERNAME] [--member-id ID] [--conversation N]
 *   npm run export -- verify FILE MANIFEST
 *
 * The file goes to standard output unless --out is given; its manifest to --manifest, else to
 * `<out>.manifest.json`, else `export-<from>-<to>.<format>.manifest.json` (named on stderr).
 * verify exits 0 when the file matches its manifest, 1 (naming what differs) when it does not;
 * html and pdf (the printable transcript) are checked whole, by their sha256 and the signature.
 */
import { readFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { Writable } from "node:stream";
import { Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { errorMessage } from "../../shared/errors";
import { parseSecretBoxKey } from "../../shared/secret-box";
import { SECRET_FILES } from "../../shared/quickstart/secrets";
import { assertTimeZone } from "../../shared/time/zone";
import { EXPORT_FORMATS, ExportInputError, parseFilters, type ExportFormat } from "./filters";
import { manifestKey, verifyExport } from "./manifest";
import { runExport } from "./run";

const USAGE = `Usage:
  npm run export -- --from YYYY-MM-DD --to YYYY-MM-DD --format csv|jsonl|html|pdf [--out FILE] [--manifest FILE]
                    [--channel C] [--librarian USERNAME] [--member-id ID] [--conversation N]
  npm run export -- verify FILE MANIFEST
DATABASE_URL must point at the service's PostgreSQL database; the manifest key comes from SECRET_BOX_KEY
(or DATA_DIR's key file).`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  err: (line: string) => void;
}

export async function exportKey(env: NodeJS.ProcessEnv): Promise<Buffer> {
  if (env.SECRET_BOX_KEY) {
    const key = parseSecretBoxKey(env.SECRET_BOX_KEY);
    if (!key) throw new ExportInputError("SECRET_BOX_KEY: not a valid key");
    return manifestKey(key);
  }
  const file = join(env.DATA_DIR || ".data", SECRET_FILES.secretBoxKey);
  const text = await readFile(file, "utf8").catch(() => {
    throw new ExportInputError(`SECRET_BOX_KEY: not set, and ${file} cannot be read`);
  });
  const key = parseSecretBoxKey(text.trim());
  if (!key) throw new ExportInputError(`SECRET_BOX_KEY: ${file} does not hold a key`);
  return manifestKey(key);
}

export async function runExportCli(argv: string[], io: CliIo): Promise<number> {
  try {
    if (argv[0] === "verify") {
      const [, file, manifest] = argv;
      if (!file || !manifest) throw new ExportInputError("verify needs FILE and MANIFEST");
      const result = await verifyExport(file, manifest, await exportKey(io.env));
      if (result.ok) io.err(`OK: ${file} matches ${manifest}`);
      else for (const p of result.problems) io.err(`FAILED: ${p}`);
      return result.ok ? 0 : 1;
    }
    const { values } = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        format: { type: "string", default: "csv" },
        out: { type: "string" },
        manifest: { type: "string" },
        channel: { type: "string" },
        librarian: { type: "string" },
        "member-id": { type: "string" },
        conversation: { type: "string" },
      },
      strict: true,
    });
    if (!EXPORT_FORMATS.includes(values.format as ExportFormat))
      throw new ExportInputError(`--format: one of ${EXPORT_FORMATS.join(", ")}`);
    const format = values.format as ExportFormat;
    const filters = parseFilters({
      from: values.from,
      to: values.to,
      channel: values.channel,
      librarian: values.librarian,
      memberId: values["member-id"],
      conversation: values.conversation,
    });
    if (!io.env.DATABASE_URL) throw new ExportInputError("DATABASE_URL: not set");
    const timeZone = assertTimeZone(io.env.LIBRARY_TIMEZONE || "Asia/Jakarta");
    const key = await exportKey(io.env);
    const fileName = values.out ?? `export-${filters.from}-${filters.to}.${format}`;
    const manifestPath = values.manifest ?? `${fileName}.manifest.json`;
    const pool = new Pool({ connectionString: io.env.DATABASE_URL, max: 2 });
    try {
      const sink = values.out ? createWriteStream(values.out) : io.stdout;
      const manifestSink = createWriteStream(manifestPath);
      const user = safeUser();
      const done = await runExport(
        { pool, db: dbFromPool(pool), manifestKey: key },
        {
          filters,
          format,
          timeZone,
          fileName,
          actor: { kind: "system", id: `cli:${user}`, label: `cli:${user}` },
          library: io.env.LIBRARY_NAME || "Perpustakaan",
        },
        sink,
        manifestSink,
      );
      for (const s of values.out ? [sink, manifestSink] : [manifestSink]) {
        s.end();
        await once(s, "finish");
      }
      io.err(`${done.header.rows} rows, sha256 ${done.header.sha256}; manifest: ${manifestPath}`);
      return 0;
    } finally {
      await pool.end();
    }
  } catch (err) {
    if (err instanceof ExportInputError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`${errorMessage(err)}\n${USAGE}`);
      return 2;
    }
    io.err(`export failed: ${errorMessage(err)}`);
    return 1;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

if (require.main === module) {
  void runExportCli(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    err: (line) => process.stderr.write(line + "\n"),
  }).then((code) => {
    process.exitCode = code;
  });
}
