/**
 * `npm run db:roles`: applied to a migrated database, the runtime role reads and writes rows as
 * the service does, but cannot drop or disable a trigger, drop or truncate a table, delete from
 * the message log or touch the audit log; the owner still migrates. Uses its own database and
 * roles (cluster-wide, so uniquely named and dropped after).
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Client } from "pg";
import { createDataSource } from "../../ormconfig";
import { dbRolesSql, runDbRolesCli } from "../../shared/db-roles";
import { databaseUrlFor, testPgAdminUrl } from "../support/services";

describe("db:roles: a migration owner and a runtime role without DDL rights", function () {
  this.timeout(60_000);
  const tag = randomBytes(3).toString("hex");
  const database = `pustaka_roles_${tag}`;
  const owner = `pr_owner_${tag}`;
  const runtime = `pr_app_${tag}`;
  const password = randomBytes(12).toString("hex");
  const urlAs = (user: string) => {
    const url = new URL(databaseUrlFor(testPgAdminUrl(), database));
    url.username = user;
    url.password = password;
    return url.toString();
  };
  let app: Client;

  before(async () => {
    const admin = new Client({ connectionString: testPgAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const ds = createDataSource(databaseUrlFor(testPgAdminUrl(), database), { poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    await ds.destroy();

    const out: string[] = [];
    const code = await runDbRolesCli(["--owner", owner, "--runtime", runtime, "--apply"], {
      env: { DATABASE_URL: databaseUrlFor(testPgAdminUrl(), database) },
      out: (t) => out.push(t),
    });
    expect(code, out.join("")).to.equal(0);
    const inDb = new Client({ connectionString: databaseUrlFor(testPgAdminUrl(), database) });
    await inDb.connect();
    for (const role of [owner, runtime]) await inDb.query(`ALTER ROLE ${role} PASSWORD '${password}'`);
    await inDb.end();
    app = new Client({ connectionString: urlAs(runtime) });
    await app.connect();
  });

  after(async () => {
    await app?.end().catch(() => undefined);
    const admin = new Client({ connectionString: testPgAdminUrl() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${runtime}`);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
    } finally {
      await admin.end();
    }
  });

  const refused = async (statement: string) => {
    await app.query("BEGIN");
    try {
      await app.query(statement);
      return null;
    } catch (err) {
      return (err as Error).message;
    } finally {
      await app.query("ROLLBACK");
    }
  };

  it("the runtime writes rows as the service does", async () => {
    const patron = await app.query<{ id: number }>(`INSERT INTO patron DEFAULT VALUES RETURNING id`);
    const conversation = await app.query<{ id: number }>(
      `INSERT INTO conversation (channel, chat_id, patron_id) VALUES ('test', 'roles', $1) RETURNING id`,
      [patron.rows[0]!.id],
    );
    const message = await app.query<{ id: string }>(
      `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status)
       VALUES ($1, 1, 'in', 'patron', 'text', 'hi', 'test', 'roles-1', 'received') RETURNING id`,
      [conversation.rows[0]!.id],
    );
    await app.query(`UPDATE message SET status = 'handled' WHERE id = $1`, [message.rows[0]!.id]);
    await app.query(`INSERT INTO audit_event (actor_kind, action) VALUES ('system', 'test.roles')`);
    await app.query(`DELETE FROM staff_session WHERE expires_at < now()`);
  });

  it("the runtime cannot drop or disable triggers, drop, alter or truncate tables, or rewrite the logs", async () => {
    for (const statement of [
      `DROP TRIGGER message_append_only ON message`,
      `ALTER TABLE audit_event DISABLE TRIGGER ALL`,
      `DROP TABLE audit_event`,
      `ALTER TABLE message ADD COLUMN x int`,
      `TRUNCATE audit_event`,
      `TRUNCATE message CASCADE`,
      `DELETE FROM message`,
      `DELETE FROM audit_event`,
      `UPDATE audit_event SET action = 'forged'`,
      `UPDATE evidence_hash SET content_salt = NULL`,
      `DELETE FROM evidence_checkpoint`,
      `CREATE TABLE mine (id int)`,
    ])
      expect(await refused(statement), statement).to.match(/must be owner|permission denied/);
  });

  it("the owner still migrates (the schema is its own)", async () => {
    const ds = createDataSource(urlAs(owner), { poolSize: 1 });
    await ds.initialize();
    try {
      await ds.query(`CREATE TABLE owner_probe (id int)`);
      await ds.query(`DROP TABLE owner_probe`);
      expect(await ds.showMigrations()).to.equal(false);
    } finally {
      await ds.destroy();
    }
  });

  it("prints the SQL, and refuses names that are not plain identifiers", async () => {
    const out: string[] = [];
    expect(await runDbRolesCli([], { env: {}, out: (t) => out.push(t) })).to.equal(0);
    expect(out.join("")).to.contain(`REVOKE UPDATE, DELETE ON audit_event FROM "pustaka_app"`);
    expect(() => dbRolesSql({ database: "x", owner: `a"; DROP TABLE message; --`, runtime: "b" })).to.throw(
      /plain PostgreSQL name/,
    );
  });
});
