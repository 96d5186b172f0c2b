/**
 * Tamper evidence and erasure from the command line (docs/audit.md). Reads DATABASE_URL like the
 * service (and AUDIT_CHECKPOINT_KEY, when checkpoints are signed).
 *
 *   npm run audit:verify [-- --json]        exit 0: everything verifies; 1: findings (listed); 2: usage/config
 *   npm run audit -- erase --member-id 2021110001 --by <admin username>
 *                                           a member's erasure request, executed by an admin (audited)
 */
import { parseArgs } from "node:util";
import { Pool } from "pg";
import { z } from "zod";
import { dbFromPool } from "../shared/db";
import { errorMessage } from "../shared/errors";
import { erasePatron } from "../shared/evidence/retention";
import { reportLines } from "../shared/evidence/report-text";
import { verifyEvidence } from "../shared/evidence/verify";

const USAGE = `Usage:
  npm run audit:verify [-- --json]
  npm run audit -- verify [--json]
  npm run audit -- erase --member-id ID --by ADMIN_USERNAME
DATABASE_URL must point at the service's PostgreSQL database (and MEDIA_DIR at its files, if
they are kept there).`;

const envSchema = z.object({
  DATABASE_URL: z
    .string({ message: "is not set (the same PostgreSQL URL the service uses)" })
    .regex(/^postgres(ql)?:\/\//, { message: "must be a postgres:// URL" }),
  MEDIA_DIR: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  AUDIT_CHECKPOINT_KEY: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  ),
});

export async function runAuditCli(
  argv: string[],
  io: { env: NodeJS.ProcessEnv; out: (line: string) => void },
): Promise<number> {
  const [command, ...rest] = argv;
  let values: { json?: boolean; "member-id"?: string; by?: string };
  try {
    values = parseArgs({
      args: rest,
      options: { json: { type: "boolean" }, "member-id": { type: "string" }, by: { type: "string" } },
      strict: true,
    }).values;
  } catch (err) {
    io.out(`${errorMessage(err)}\n${USAGE}`);
    return 2;
  }
  if (command !== "verify" && command !== "erase") {
    io.out(USAGE);
    return 2;
  }
  const env = envSchema.safeParse(io.env);
  if (!env.success) {
    const issue = env.error.issues[0]!;
    io.out(`${String(issue.path[0])} ${issue.message}`);
    return 2;
  }
  const pool = new Pool({ connectionString: env.data.DATABASE_URL, max: 2 });
  const db = dbFromPool(pool);
  try {
    if (command === "verify") {
      const report = await verifyEvidence(db, { checkpointKey: env.data.AUDIT_CHECKPOINT_KEY });
      if (values.json) io.out(JSON.stringify(report, null, 2));
      else for (const line of reportLines(report)) io.out(line);
      return report.ok ? 0 : 1;
    }
    if (!values["member-id"] || !values.by) {
      io.out(`--member-id and --by are required\n${USAGE}`);
      return 2;
    }
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM staff_user WHERE username = $1 AND role = 'admin' AND active`,
      [values.by],
    );
    if (!rows[0]) {
      io.out(`${values.by} is not an active admin: only an admin may execute an erasure`);
      return 2;
    }
    const result = await erasePatron(db, { memberId: values["member-id"] }, rows[0].id, {
      mediaDir: env.data.MEDIA_DIR,
    });
    if (!result) {
      io.out(`no patron is linked to member ${values["member-id"]}`);
      return 1;
    }
    io.out(
      `erased patron ${result.patronId}: ${result.messages} messages anonymised in ${result.conversations} conversations, ${result.notes} notes, ${result.files} files`,
    );
    return 0;
  } catch (err) {
    io.out(`failed: ${errorMessage(err)}`);
    return 2;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runAuditCli(process.argv.slice(2), {
    env: process.env,
    out: (line) => process.stdout.write(line + "\n"),
  }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${errorMessage(err)}\n`);
      process.exit(2);
    },
  );
}
