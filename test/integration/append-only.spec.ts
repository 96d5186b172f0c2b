/**
 * The logs are append-only in the database itself, whatever the code does: on `message` only
 * delivery status may change (no UPDATE of what was said, no DELETE, no TRUNCATE); `audit_event`
 * refuses UPDATE, DELETE and TRUNCATE. Expired console sessions are purged at the next sign-in.
 *
 * Every refused statement runs inside a transaction that is rolled back, so a missing trigger
 * fails the test without wiping the run's database.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Client, Pool } from "pg";
import { recordAudit } from "../../shared/audit";
import { dbFromPool } from "../../shared/db";
import { StaffStore } from "../../web/console/staff";
import { testDatabaseUrl } from "../support/services";

describe("append-only logs (database triggers)", () => {
  let client: Client;
  let messageId: string;
  let auditId: string;

  before(async () => {
    client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    const tag = randomBytes(4).toString("hex");
    const patron = await client.query<{ id: number }>(`INSERT INTO patron DEFAULT VALUES RETURNING id`);
    const conversation = await client.query<{ id: number }>(
      `INSERT INTO conversation (channel, chat_id, patron_id) VALUES ('test', $1, $2) RETURNING id`,
      [`append-only-${tag}`, patron.rows[0]!.id],
    );
    const message = await client.query<{ id: string }>(
      `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status)
       VALUES ($1, 1, 'in', 'patron', 'text', 'what was said', 'test', $2, 'received') RETURNING id`,
      [conversation.rows[0]!.id, `append-only-${tag}`],
    );
    messageId = message.rows[0]!.id;
    await recordAudit(client, [
      { actorKind: "system", actorId: null, action: "test.append_only", subject: `test:${tag}`, detail: {} },
    ]);
    const audit = await client.query<{ id: string }>(`SELECT id FROM audit_event WHERE subject = $1`, [
      `test:${tag}`,
    ]);
    auditId = audit.rows[0]!.id;
  });
  after(() => client?.end());

  /** The error of `statement`, run in a transaction that is rolled back either way; null if it succeeded. */
  async function refusal(statement: string, params: unknown[] = []): Promise<string | null> {
    await client.query("BEGIN");
    try {
      await client.query(statement, params);
      return null;
    } catch (err) {
      return (err as Error).message;
    } finally {
      await client.query("ROLLBACK");
    }
  }

  it("message: what was said cannot be updated, no row deleted, the table not truncated", async () => {
    expect(await refusal(`UPDATE message SET text = 'rewritten' WHERE id = $1`, [messageId])).to.match(
      /append-only: only delivery status may change/,
    );
    expect(await refusal(`DELETE FROM message WHERE id = $1`, [messageId])).to.match(
      /append-only: DELETE refused/,
    );
    expect(await refusal(`TRUNCATE message CASCADE`)).to.match(/message is append-only: TRUNCATE refused/);
  });

  it("message: delivery status still changes", async () => {
    await client.query(`UPDATE message SET status = 'handled', status_at = now() WHERE id = $1`, [messageId]);
    const { rows } = await client.query(`SELECT status, text FROM message WHERE id = $1`, [messageId]);
    expect(rows[0]).to.deep.equal({ status: "handled", text: "what was said" });
  });

  it("audit_event: no UPDATE, no DELETE, no TRUNCATE", async () => {
    expect(await refusal(`UPDATE audit_event SET action = 'forged' WHERE id = $1`, [auditId])).to.match(
      /audit log is append-only: UPDATE refused/,
    );
    expect(await refusal(`DELETE FROM audit_event WHERE id = $1`, [auditId])).to.match(
      /audit log is append-only: DELETE refused/,
    );
    expect(await refusal(`TRUNCATE audit_event`)).to.match(/audit_event is append-only: TRUNCATE refused/);
    const { rows } = await client.query(`SELECT action FROM audit_event WHERE id = $1`, [auditId]);
    expect(rows).to.deep.equal([{ action: "test.append_only" }]);
  });
});

describe("console sessions: expired ones are purged", () => {
  it("an expired session row disappears at the next sign-in", async () => {
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    try {
      const staff = new StaffStore(dbFromPool(pool));
      const someone = await staff.add({
        username: `purge-${randomBytes(3).toString("hex")}`,
        displayName: "Purge Test",
        role: "librarian",
        password: "correct horse battery",
      });
      const expired = await staff.createSession(someone, -1000);
      const count = async (id: string) =>
        (await pool.query(`SELECT 1 FROM staff_session WHERE token_hash = $1`, [id])).rowCount;
      expect(await count(expired.session.id)).to.equal(1);
      expect(await staff.session(expired.token)).to.equal(null);

      const live = await staff.createSession(someone, 60_000);
      expect(await count(expired.session.id)).to.equal(0);
      expect(await count(live.session.id)).to.equal(1);
    } finally {
      await pool.end();
    }
  });
});
