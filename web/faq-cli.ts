/**
 * The FAQ from the command line (docs/faq.md). Reads DATABASE_URL like the service.
 *
 *   npm run faq -- export              every entry's current texts as CSV on stdout
 *   npm run faq -- import FILE.csv     all or nothing; the same file twice changes nothing
 *
 * Exit codes: 0 done, 1 the file was refused (its line is named; nothing was imported), 2 usage/config.
 */
import { readFile } from "node:fs/promises";
import { Pool } from "pg";
import { dbFromPool } from "../shared/db";
import { errorMessage } from "../shared/errors";
import { faqToCsv, importFaqCsv } from "../shared/faq/csv";
import { FaqError } from "../shared/faq/content";
import { FaqStore } from "../shared/faq/store";

const USAGE = `Usage:
  npm run faq -- export > faq.csv
  npm run faq -- import faq.csv
DATABASE_URL must point at the service's PostgreSQL database.`;

export async function runFaqCli(
  argv: string[],
  io: { env: NodeJS.ProcessEnv; out: (text: string) => void; err: (line: string) => void },
): Promise<number> {
  const [command, file, ...extra] = argv;
  if (!(command === "export" && !file) && !(command === "import" && file && extra.length === 0)) {
    io.err(USAGE);
    return 2;
  }
  const url = io.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    io.err("DATABASE_URL is not set to a postgres:// URL (the same PostgreSQL URL the service uses)");
    return 2;
  }
  let text = "";
  if (command === "import") {
    try {
      text = await readFile(file!, "utf8");
    } catch (err) {
      io.err(`cannot read ${file}: ${errorMessage(err)}`);
      return 2;
    }
  }
  const pool = new Pool({ connectionString: url, max: 2 });
  const db = dbFromPool(pool);
  try {
    if (command === "export") {
      io.out(faqToCsv(await new FaqStore(db).list()));
      return 0;
    }
    const r = await importFaqCsv(db, text, { system: "faq-cli" });
    io.err(`imported ${file}: ${r.created} created, ${r.updated} new versions, ${r.unchanged} unchanged`);
    return 0;
  } catch (err) {
    if (err instanceof FaqError) {
      io.err(`refused, nothing imported: ${err.message}`);
      return 1;
    }
    io.err(`failed: ${errorMessage(err)}`);
    return 2;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runFaqCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (line) => process.stderr.write(line + "\n"),
  }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${errorMessage(err)}\n`);
      process.exit(2);
    },
  );
}
