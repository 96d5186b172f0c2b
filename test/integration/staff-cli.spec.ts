/**
 * The staff CLI against this run's PostgreSQL: add (with the password given or asked for),
 * list, passwd (signs sessions out), disable/enable; refusals with a usage message.
 */
import { expect } from "chai";
import { Pool } from "pg";
import { runStaffCli } from "../../web/staff-cli";
import { dbFromPool } from "../../shared/db";
import { StaffStore } from "../../web/console/staff";
import { closeSql, sql } from "../helpers/app";
import { testDatabaseUrl } from "../support/services";

describe("staff CLI (npm run staff)", () => {
  let pool: Pool;
  let store: StaffStore;
  const out: string[] = [];
  let answers: string[] = [];
  const run = (...argv: string[]) =>
    runStaffCli(argv, {
      env: { DATABASE_URL: testDatabaseUrl() },
      out: (line) => out.push(line),
      askPassword: async () => answers.shift() ?? "",
    });

  before(() => {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    store = new StaffStore(dbFromPool(pool));
  });

  after(async () => {
    await pool.end();
    await closeSql();
  });

  beforeEach(() => {
    out.length = 0;
  });

  it("adds an admin with a given password, and a librarian whose password is asked for twice", async () => {
    expect(
      await run(
        "add",
        "--username",
        "Kepala",
        "--role",
        "admin",
        "--name",
        "Kepala Perpustakaan",
        "--password",
        "sangat rahasia 1",
      ),
    ).to.equal(0);
    expect(out.at(-1)).to.equal("added admin kepala (Kepala Perpustakaan)");
    answers = ["kata sandi panjang", "kata sandi panjang"];
    expect(await run("add", "--username", "dewi", "--role", "librarian", "--name", "Dewi")).to.equal(0);
    expect(await store.verify("dewi", "kata sandi panjang")).to.include({
      username: "dewi",
      role: "librarian",
    });
    const [row] = await sql<{ password_hash: string }>(
      `SELECT password_hash FROM staff_user WHERE username = 'dewi'`,
    );
    expect(row!.password_hash).to.match(/^\$argon2id\$/);
    await run("list");
    expect(out.join("\n"))
      .to.match(/dewi\s+librarian\s+active\s+Dewi/)
      .and.to.match(/kepala\s+admin/);
  });

  it("refuses a duplicate, a short password, differing passwords, an unknown role, and no DATABASE_URL", async () => {
    expect(
      await run(
        "add",
        "--username",
        "dewi",
        "--role",
        "librarian",
        "--name",
        "D",
        "--password",
        "another long one",
      ),
    ).to.equal(1);
    expect(out.at(-1)).to.contain("already exists");
    expect(
      await run("add", "--username", "eko", "--role", "librarian", "--name", "Eko", "--password", "short"),
    ).to.equal(1);
    expect(out.at(-1)).to.contain("at least 10");
    answers = ["first password!", "second password"];
    expect(await run("add", "--username", "eko", "--role", "librarian", "--name", "Eko")).to.equal(1);
    expect(out.at(-1)).to.contain("differ");
    expect(
      await run(
        "add",
        "--username",
        "eko",
        "--role",
        "boss",
        "--name",
        "Eko",
        "--password",
        "long enough pw",
      ),
    ).to.equal(2);
    const none = await runStaffCli(["list"], {
      env: {},
      out: (l) => out.push(l),
      askPassword: async () => "",
    });
    expect(none).to.equal(2);
    expect(out.at(-1)).to.contain("DATABASE_URL");
  });

  it("passwd changes the password and ends the user's sessions; disable refuses sign-in; enable restores", async () => {
    const dewi = (await store.verify("dewi", "kata sandi panjang"))!;
    const { token } = await store.createSession(dewi, 60_000);
    expect(await store.session(token)).to.not.equal(null);
    expect(await run("passwd", "--username", "dewi", "--password", "kata sandi baru!")).to.equal(0);
    expect(await store.session(token)).to.equal(null);
    expect(await store.verify("dewi", "kata sandi panjang")).to.equal(null);
    expect(await run("disable", "--username", "dewi")).to.equal(0);
    expect(await store.verify("dewi", "kata sandi baru!")).to.equal(null);
    expect(await run("enable", "--username", "dewi")).to.equal(0);
    expect(await store.verify("dewi", "kata sandi baru!")).to.not.equal(null);
    expect(await run("passwd", "--username", "nobody", "--password", "whatever long")).to.equal(1);
  });
});
