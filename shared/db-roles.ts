/**
 * `npm run db:roles`: the SQL that splits the database between two PostgreSQL roles, printed (to
 * review and run with psql) or applied (`--apply`, to DATABASE_URL as a superuser).
 *
 *   owner    owns the database, the schema, every table, function and trigger; runs migrations
 *            (the `release` role, and `npm start`, which migrates first)
 *   runtime  what `web`, `bot` and `relay` connect as: reads and writes rows, nothing else. It
 *            cannot drop or alter a table or a trigger (only an owner can), cannot TRUNCATE, and
 *            has no DELETE on `message` and no UPDATE or DELETE on `audit_event`, `media`,
 *            `staff_note`, `evidence_hash` or `evidence_checkpoint` at all (retention goes through
 *            anonymise_messages(), anonymise_staff_notes() and erase_media(), which run as the owner).
 *
 * The roles get no password here (none is printed): set one with `\password NAME` in psql and
 * put it in each process's DATABASE_URL. Re-running is harmless: every step is idempotent.
 *
 *   npm run db:roles -- [--owner pustaka_owner] [--runtime pustaka_app] [--database pustaka_relay] [--apply]
 */
import { parseArgs } from "node:util";
import { Client } from "pg";
import { errorMessage } from "./errors";

export interface DbRoles {
  database: string;
  owner: string;
  runtime: string;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Identifiers are checked, then quoted: nothing else reaches the SQL. */
function ident(name: string): string {
  if (!ROLE_NAME.test(name)) throw new Error(`not a plain PostgreSQL name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}
const literal = (name: string) => `'${name}'`; // after ident() passed: no quote can be in it

export function dbRolesSql(roles: DbRoles): string {
  const db = ident(roles.database);
  const owner = ident(roles.owner);
  const runtime = ident(roles.runtime);
  return `-- pustaka-relay: owner ${roles.owner} (DDL, migrations), runtime ${roles.runtime} (rows only)
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(roles.owner)}) THEN
    CREATE ROLE ${owner} LOGIN NOSUPERUSER NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(roles.runtime)}) THEN
    CREATE ROLE ${runtime} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END $$;

-- The owner owns the database, its schema and everything in it (serial sequences follow their tables).
ALTER DATABASE ${db} OWNER TO ${owner};
ALTER SCHEMA public OWNER TO ${owner};
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') LOOP
    EXECUTE format('ALTER TABLE public.%I OWNER TO %I', r.relname, ${literal(roles.owner)});
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.fn, ${literal(roles.owner)});
  END LOOP;
END $$;

-- The runtime: connect, use the schema, read and write rows; no CREATE anywhere.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${runtime};
GRANT CONNECT ON DATABASE ${db} TO ${runtime};
GRANT USAGE ON SCHEMA public TO ${runtime};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${runtime};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${runtime};
-- Tables the owner's future migrations create get the same grants.
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${runtime};
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public
  GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${runtime};
-- The logs, beyond their triggers: the message log only changes delivery status, the audit log never changes.
REVOKE DELETE ON message FROM ${runtime};
REVOKE UPDATE, DELETE ON audit_event FROM ${runtime};
-- Files patrons sent and librarians attached are evidence too: written once, never changed.
REVOKE UPDATE, DELETE ON media FROM ${runtime};
-- Librarians' notes likewise (retention erases through anonymise_staff_notes() and erase_media()).
REVOKE UPDATE, DELETE ON staff_note FROM ${runtime};
-- Tamper evidence (docs/audit.md): the chainer only appends; retention erases salts through
-- anonymise_messages(), which runs as the owner (SECURITY DEFINER).
REVOKE UPDATE, DELETE ON evidence_hash, evidence_checkpoint FROM ${runtime};
`;
}

const USAGE = `Usage: npm run db:roles -- [--owner NAME] [--runtime NAME] [--database NAME] [--apply]
Prints the SQL (or, with --apply, runs it on DATABASE_URL as a superuser) that makes NAME-owner
own the schema and NAME-runtime a role that reads and writes rows but has no DDL rights.`;

export async function runDbRolesCli(
  argv: string[],
  io: { env: NodeJS.ProcessEnv; out: (text: string) => void },
): Promise<number> {
  let values: { owner?: string; runtime?: string; database?: string; apply?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        owner: { type: "string" },
        runtime: { type: "string" },
        database: { type: "string" },
        apply: { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (err) {
    io.out(`${errorMessage(err)}\n${USAGE}`);
    return 2;
  }
  const url = io.env.DATABASE_URL;
  let database = values.database;
  if (!database && url) database = decodeURIComponent(new URL(url).pathname.slice(1)) || undefined;
  let sql: string;
  try {
    sql = dbRolesSql({
      database: database ?? "pustaka_relay",
      owner: values.owner ?? "pustaka_owner",
      runtime: values.runtime ?? "pustaka_app",
    });
  } catch (err) {
    io.out(`${errorMessage(err)}\n${USAGE}`);
    return 2;
  }
  if (!values.apply) {
    io.out(sql);
    return 0;
  }
  if (!url) {
    io.out(`--apply needs DATABASE_URL (a superuser, on the service's database)\n${USAGE}`);
    return 2;
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("BEGIN");
    await client.query(sql);
    await client.query("COMMIT");
    io.out("applied: set the roles' passwords (psql: \\password NAME) and use them in DATABASE_URL\n");
    return 0;
  } catch (err) {
    io.out(`failed: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (require.main === module) {
  runDbRolesCli(process.argv.slice(2), { env: process.env, out: (t) => process.stdout.write(t) }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${errorMessage(err)}\n`);
      process.exit(1);
    },
  );
}
