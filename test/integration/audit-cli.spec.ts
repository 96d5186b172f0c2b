/**
 * `npm run audit:verify` and `npm run audit -- erase` against a database of their own (created and
 * migrated here, dropped after), so that a committed tampering cannot reach the other specs.
 */
import { expect } from "chai";
import { Client, Pool } from "pg";
import { createDataSource } from "../../ormconfig";
import { dbFromPool } from "../../shared/db";
import { chainOnce } from "../../shared/evidence/chainer";
import { runAuditCli } from "../../web/audit-cli";
import { writeConversation, type Written } from "../helpers/evidence";
import { databaseUrlFor, testPgAdminUrl } from "../support/services";

describe("audit CLI (npm run audit:verify, npm run audit -- erase)", function () {
  this.timeout(60_000);
  const database = `pustaka_auditcli_${process.pid}_${Date.now().toString(36)}`;
  let url = "";
  let pool: Pool;
  let conv: Written;
  const out: string[] = [];
  const run = (...argv: string[]) =>
    runAuditCli(argv, { env: { DATABASE_URL: url }, out: (l) => out.push(l) });

  before(async () => {
    url = databaseUrlFor(testPgAdminUrl(), database);
    const admin = new Client({ connectionString: testPgAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const ds = createDataSource(url, { poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    await ds.destroy();
    pool = new Pool({ connectionString: url, max: 2 });
    conv = await writeConversation(dbFromPool(pool), ["boleh pinjam 3 buku?", "Boleh, maksimal 3."], {
      ageDays: 2,
    });
    await pool.query(`UPDATE patron SET member_id = '2099000001' WHERE id = $1`, [conv.patronId]);
    await pool.query(
      `INSERT INTO staff_user (username, display_name, role, password_hash) VALUES
       ('cli-admin', 'Admin', 'admin', 'x'), ('cli-librarian', 'Siti', 'librarian', 'x')`,
    );
    await chainOnce(dbFromPool(pool), { checkpointEveryMs: 0 });
  });
  after(async () => {
    await pool?.end();
    const admin = new Client({ connectionString: testPgAdminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  beforeEach(() => (out.length = 0));

  it("exits 0 on an untouched database", async () => {
    expect(await run("verify")).to.equal(0);
    expect(out[0]).to.match(
      /^audit:verify OK at .*: 2 rows in 1 chains, 1 checkpoints, 0 rows not yet sealed$/,
    );
  });

  it("exits 1 when a message's text was edited in PostgreSQL, naming the row (text and JSON)", async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`SET session_replication_role = replica`);
    await client.query(`UPDATE message SET text = 'Boleh, maksimal 10.' WHERE id = $1`, [conv.messageIds[1]]);
    await client.end();
    expect(await run("verify")).to.equal(1);
    expect(out.join("\n")).to.include(
      `edited     message ${conv.messageIds[1]} (conversation ${conv.conversationId}, seq 2)`,
    );
    out.length = 0;
    expect(await run("verify", "--json")).to.equal(1);
    const report = JSON.parse(out.join("\n")) as { ok: boolean; issues: Array<{ rowId: string }> };
    expect(report.ok).to.equal(false);
    expect(report.issues.map((i) => i.rowId)).to.deep.equal([conv.messageIds[1]]);
  });

  it("erase: only an admin may, and it is done", async () => {
    expect(await run("erase", "--member-id", "2099000001", "--by", "cli-librarian")).to.equal(2);
    expect(out.join("\n")).to.include("not an active admin");
    out.length = 0;
    expect(await run("erase", "--member-id", "2099000001", "--by", "cli-admin")).to.equal(0);
    expect(out[0]).to.equal(
      `erased patron ${conv.patronId}: 2 messages anonymised in 1 conversations, 0 notes, 0 files`,
    );
  });

  it("refuses without DATABASE_URL or a command, naming what is wrong", async () => {
    expect(await runAuditCli(["verify"], { env: {}, out: (l) => out.push(l) })).to.equal(2);
    expect(out[0]).to.match(/^DATABASE_URL is not set/);
    expect(await run()).to.equal(2);
  });
});
