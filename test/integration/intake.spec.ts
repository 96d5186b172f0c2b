/**
 * Intake never freezes on one update (issue 8, item 6): an update PostgreSQL would refuse as it
 * came (U+0000, lone surrogates) is stored sanitised with its original recoverable; an update the
 * database keeps refusing anyway, or one that is no message at all, goes to the dead-letter table
 * with its raw payload; the updates behind it flow; the console lists dead letters; /healthz
 * reports an intake stuck on one update.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Pool } from "pg";
import { createIngress } from "../../bot/ingress";
import type { App } from "../../main";
import { dbFromPool } from "../../shared/db";
import { Health } from "../../shared/health";
import { DeadLetters } from "../../shared/log/dead-letters";
import { MessageLog } from "../../shared/log/message-log";
import { silentLogger } from "../../shared/logger";
import { DrainRequests, INBOUND_QUEUE } from "../../shared/queues";
import { createRedis } from "../../shared/redis";
import { SecretBox } from "../../shared/secret-box";
import { FakeTelegram } from "../helpers/fake-telegram";
import { addStaff, login } from "../helpers/console";
import { chatLog, closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { testDatabaseUrl, testRedisUrl, uniquePrefix } from "../support/services";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");

/** A test-only trigger: the database refuses (or fails on) inbound rows with this exact text. */
async function refuseText(text: string, sqlstate: string): Promise<string> {
  const name = `test_refuse_${Math.random().toString(36).slice(2, 10)}`;
  await sql(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.text = '${text}' THEN RAISE EXCEPTION 'refused by test' USING ERRCODE = '${sqlstate}'; END IF;
      RETURN NEW;
    END $$`);
  await sql(`CREATE TRIGGER ${name} BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return name;
}
async function dropRefusal(name: string): Promise<void> {
  await sql(`DROP TRIGGER IF EXISTS ${name} ON message`);
  await sql(`DROP FUNCTION IF EXISTS ${name}()`);
}

describe("intake: one bad update stops nothing", function () {
  let fake: FakeTelegram;
  let app: App;
  let chat = 880_000 + Math.floor(Math.random() * 10_000);

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, { now: () => MONDAY_MORNING }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("records a message with U+0000 and lone surrogates sanitised, keeps the original, and answers the next", async () => {
    const id = ++chat;
    const original = "halo\u0000 dunia \uD800 dan \uDFFF akhir";
    fake.sendText(id, original, { first_name: "Ni\u0000ng\uDC00" });
    fake.sendText(id, "/jam");
    await fake.waitForSent(2, { chatId: id });
    const rows = await chatLog(id);
    const first = rows.find((r) => r.direction === "in")!;
    expect(first.text).to.equal("halo\uFFFD dunia \uFFFD dan \uFFFD akhir");
    const [row] = await sql<{ meta: { sanitised: Record<string, string>; senderName: string } }>(
      `SELECT meta FROM message WHERE id = $1`,
      [first.id],
    );
    const meta = row!.meta;
    expect(JSON.parse(meta.sanitised.text!)).to.equal(original);
    expect(meta.senderName).to.equal("Ni\uFFFDng\uFFFD");
    expect(JSON.parse(meta.sanitised["sender.displayName"]!)).to.equal("Ni\u0000ng\uDC00");
    expect(rows.filter((r) => r.direction === "in").map((r) => r.status)).to.deep.equal([
      "handled",
      "handled",
    ]);
  });

  it("dead-letters an update the database keeps refusing, with its raw payload, and the next one flows", async () => {
    const id = ++chat;
    const poison = `refuse-${id}`;
    const trigger = await refuseText(poison, "22023");
    try {
      const update = fake.sendText(id, poison);
      fake.sendText(id, "/jam");
      await fake.waitForSent(1, { chatId: id, timeoutMs: 15_000 });
      const letters = await sql<{ reason: string; error: string; payload: string; channel_key: string }>(
        `SELECT reason, error, payload, channel_key FROM dead_letter WHERE channel_key = $1`,
        [`${id}:${update.message!.message_id}`],
      );
      expect(letters).to.have.length(1);
      expect(letters[0]!.reason).to.equal("refused");
      expect(letters[0]!.error).to.contain("22023").and.contain("refused by test");
      expect(JSON.parse(letters[0]!.payload)).to.deep.equal(update);
      expect((await chatLog(id)).map((r) => r.text)).to.not.include(poison);
    } finally {
      await dropRefusal(trigger);
    }
  });

  it("records a message whose date no Date can hold, and the next one flows", async () => {
    const id = ++chat;
    const from = { id, is_bot: false, first_name: "Tanggal" };
    fake.pushUpdate({
      message: { message_id: 999, date: 1e20, chat: { id, type: "private" }, from, text: "x" },
    });
    fake.sendText(id, "/jam");
    await fake.waitForSent(2, { chatId: id });
    expect((await chatLog(id)).filter((r) => r.direction === "in")).to.have.length(2);
  });

  it("dead-letters an update with no chat or sender, and lists it to librarians but not auditors", async () => {
    const update = fake.pushUpdate({ message: { message_id: 1, date: 1, text: "no chat \u0000" } });
    const letter = await eventually(
      async () =>
        (
          await sql<{ reason: string; payload: string }>(
            `SELECT reason, payload FROM dead_letter WHERE channel_key = $1`,
            [`u${update.update_id}`],
          )
        )[0],
      "the dead letter",
    );
    expect(letter.reason).to.equal("unreadable");
    expect(JSON.parse(letter.payload)).to.deep.equal(update);
    const url = app.web!.url;
    const librarian = await addStaff(app, "librarian");
    const { cookie } = await login(url, librarian.username);
    const listed = await fetch(`${url}/api/dead-letters`, { headers: { cookie } });
    expect(listed.status).to.equal(200);
    const body = (await listed.json()) as { deadLetters: Array<{ channelKey: string; reason: string }> };
    expect(body.deadLetters.map((d) => d.channelKey)).to.include(`u${update.update_id}`);
    const auditor = await addStaff(app, "auditor");
    const asAuditor = await login(url, auditor.username);
    expect(
      (await fetch(`${url}/api/dead-letters`, { headers: { cookie: asAuditor.cookie } })).status,
    ).to.equal(403);
    expect((await fetch(`${url}/api/dead-letters`)).status).to.equal(401);
  });
});

describe("intake health", () => {
  it("fails the 'intake' check while one update has been retried too long, and recovers", async () => {
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });
    const redis = createRedis(testRedisUrl(), "intake-health-test");
    const prefix = uniquePrefix("intake");
    const drains = new DrainRequests(INBOUND_QUEUE, redis, prefix);
    const abort = new AbortController();
    const db = dbFromPool(pool);
    const ingress = createIngress({
      messageLog: new MessageLog(db),
      deadLetters: new DeadLetters(db),
      drains,
      secrets: new SecretBox(redis, prefix, randomBytes(32)),
      logger: silentLogger,
      signal: abort.signal,
      stuckAfterMs: 300,
    });
    const health = new Health({});
    health.check("intake", ingress.problem);
    const text = `stall-${Date.now()}`;
    // Not a refusal of the row (P0001): intake keeps waiting, as for a database outage.
    const trigger = await refuseText(text, "P0001");
    try {
      const receiving = ingress({
        channel: "telegram",
        key: `health:${text}`,
        chatId: `health-${text}`,
        chat: { type: "private" },
        sender: { id: `health-${text}`, displayName: "H" },
        kind: "text",
        text,
        sentAt: new Date().toISOString(),
        meta: {},
      });
      const failed = await eventually(async () => {
        const report = await health.report();
        return !report.ok && report;
      }, "the intake check to fail");
      expect(failed.checks.intake!.error).to.match(/^stuck: one update has not been recorded for \d+ s$/);
      await dropRefusal(trigger);
      await receiving;
      expect((await health.report()).ok).to.equal(true);
      const rows = await sql(`SELECT 1 FROM message WHERE channel_key = $1`, [`health:${text}`]);
      expect(rows).to.have.length(1);
    } finally {
      abort.abort();
      await dropRefusal(trigger);
      await drains.close();
      redis.disconnect();
      await pool.end();
      await closeSql();
    }
  });
});
