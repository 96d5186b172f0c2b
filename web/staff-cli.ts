/**
 * Staff accounts from the command line (the first admin is created here; there is no default
 * password). Reads DATABASE_URL like the service.
 *
 *   npm run staff -- add --username siti --role librarian --name "Siti Aminah" [--password P]
 *   npm run staff -- passwd --username siti [--password P]
 *   npm run staff -- disable --username siti      (enable: --username siti with "enable")
 *   npm run staff -- list
 *
 * Without --password the password is asked for twice on the terminal (not echoed), or read
 * once as the first line of standard input when that is not a terminal.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { Pool } from "pg";
import { dbFromPool } from "../shared/db";
import type { StaffRole } from "../shared/entities/staff-user";
import { errorMessage } from "../shared/errors";
import { StaffError, StaffStore, STAFF_ROLES } from "./console/staff";

const USAGE = `Usage:
  npm run staff -- add --username U --role librarian|auditor|admin --name "Display Name" [--password P]
  npm run staff -- passwd --username U [--password P]
  npm run staff -- disable --username U
  npm run staff -- enable --username U
  npm run staff -- list
DATABASE_URL must point at the service's PostgreSQL database.`;

export async function runStaffCli(
  argv: string[],
  io: {
    env: NodeJS.ProcessEnv;
    out: (line: string) => void;
    askPassword: (prompt: string) => Promise<string>;
    /** a terminal: the password is asked twice; otherwise one line is read once */
    interactive?: boolean;
  },
): Promise<number> {
  const [command, ...rest] = argv;
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        username: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        password: { type: "string" },
      },
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (err) {
    io.out(`${errorMessage(err)}\n${USAGE}`);
    return 2;
  }
  if (!command || !["add", "passwd", "disable", "enable", "list"].includes(command)) {
    io.out(USAGE);
    return 2;
  }
  if (command !== "list" && !values.username) {
    io.out(`--username is required\n${USAGE}`);
    return 2;
  }
  const url = io.env.DATABASE_URL;
  if (!url) {
    io.out("DATABASE_URL is not set (the same PostgreSQL URL the service uses)");
    return 2;
  }
  const pool = new Pool({ connectionString: url, max: 1 });
  const store = new StaffStore(dbFromPool(pool));
  try {
    const password = async () => {
      if (values.password !== undefined) return values.password;
      const first = await io.askPassword("Password: ");
      if (io.interactive === false) return first;
      const second = await io.askPassword("Password again: ");
      if (first !== second) throw new StaffError("STAFF_INVALID", "the passwords differ");
      return first;
    };
    switch (command) {
      case "add": {
        const role = values.role as StaffRole | undefined;
        if (!role || !STAFF_ROLES.includes(role)) {
          io.out(`--role must be one of ${STAFF_ROLES.join(", ")}`);
          return 2;
        }
        if (!values.name) {
          io.out(`--name is required`);
          return 2;
        }
        const staff = await store.add({
          username: values.username!,
          displayName: values.name,
          role,
          password: await password(),
        });
        await store.audit(null, "staff.add", `staff:${staff.id}`, {
          username: staff.username,
          role,
          by: "cli",
        });
        io.out(`added ${staff.role} ${staff.username} (${staff.displayName})`);
        return 0;
      }
      case "passwd":
        await store.setPassword(values.username!, await password());
        await store.audit(null, "staff.passwd", `staff:${values.username}`, { by: "cli" });
        io.out(`password changed for ${values.username}; their sessions are signed out`);
        return 0;
      case "disable":
      case "enable": {
        const staff = await store.setActive(values.username!, command === "enable");
        await store.audit(null, `staff.${command}`, `staff:${staff.id}`, { by: "cli" });
        io.out(`${staff.username} is now ${staff.active ? "active" : "disabled"}`);
        return 0;
      }
      default: {
        const all = await store.list();
        if (!all.length)
          io.out("no staff users yet: add the first admin with `npm run staff -- add ... --role admin`");
        for (const s of all)
          io.out(
            `${s.username.padEnd(20)} ${s.role.padEnd(10)} ${s.active ? "active  " : "disabled"} ${s.displayName}`,
          );
        return 0;
      }
    }
  } catch (err) {
    io.out(err instanceof StaffError ? err.message : `failed: ${errorMessage(err)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

/** Ask on the terminal without echo. */
function askOnTerminal(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, callback) {
        if (!muted) process.stderr.write(chunk);
        callback();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

/** Not a terminal (a pipe, a script): the first line of standard input. */
async function firstLineOfStdin(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return "";
}

if (require.main === module) {
  runStaffCli(process.argv.slice(2), {
    env: process.env,
    out: (line) => process.stdout.write(line + "\n"),
    askPassword: process.stdin.isTTY ? askOnTerminal : firstLineOfStdin,
    interactive: process.stdin.isTTY === true,
  }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${errorMessage(err)}\n`);
      process.exit(1);
    },
  );
}
