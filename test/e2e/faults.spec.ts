/**
 * Faults with the real processes: kill -9 in the middle of a burst, and the database going
 * away and coming back. Nothing the patron sent is lost; nothing is answered twice except, at
 * most, the one reply that was on the wire when the process died (Telegram has no idempotent
 * send: after a kill we cannot know whether it arrived, and we choose resending over losing).
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ensureLocalServices, type LocalServices } from "../../shared/quickstart/local-services";
import { FakeTelegram } from "../helpers/fake-telegram";
import { freePort, runService, type Running } from "../helpers/process";
import { chatLog, closeSql, eventually } from "../helpers/app";
import { testRedisUrl, testDatabaseUrl, uniquePrefix } from "../support/services";

describe("faults", function () {
  this.timeout(150_000);
  let fake: FakeTelegram;
  const running: Running[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
  });

  after(async () => {
    for (const r of running)
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
    await fake?.close();
    await closeSql();
  });

  /** Every message of the chat answered and sent; delivered in message order; at most `extra` resent. */
  async function expectAllAnswered(chatId: number, count: number, extra: number, query = chatLog) {
    const rows = await eventually(
      async () => {
        const r = await query(chatId);
        const out = r.filter((x) => x.direction === "out");
        return (
          r.filter((x) => x.direction === "in").length === count &&
          out.length === count &&
          out.every((x) => x.status === "sent") &&
          r
        );
      },
      `all ${count} messages answered`,
      120_000,
    );
    const inbound = rows.filter((r) => r.direction === "in");
    expect(inbound.map((r) => r.text)).to.deep.equal(Array.from({ length: count }, (_, i) => `halo ${i}`));
    const delivered = fake.sentTo(chatId);
    expect(delivered.length).to.be.within(count, count + extra);
    // Delivery order follows message order (a resent reply may repeat its predecessor's place).
    const seqOf = new Map(inbound.map((r) => [r.id, r.seq]));
    const outByChannelId = new Map(
      rows.filter((r) => r.direction === "out").map((r) => [r.channel_message_id, r]),
    );
    const order = delivered
      .map((d) => outByChannelId.get(String(d.messageId)))
      .filter((r) => r !== undefined)
      .map((r) => seqOf.get(r.in_reply_to!)!);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
  }

  it("kill -9 mid-burst: a restarted process answers everything, nothing lost", async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniquePrefix("kill"),
      // A burst from one chat: every message must be answered, so no per-sender limit here.
      INBOUND_MAX_PER_MINUTE: "1000",
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PORT: String(port),
    };
    const first = runService(["all"], { LOG_LEVEL: "warn", ...env });
    running.push(first);
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200,
      "first healthy",
      60_000,
    );
    const chatId = 9801;
    const burst = 30;
    for (let i = 0; i < burst; i++) fake.sendText(chatId, `halo ${i}`);
    await fake.waitForSent(5, { chatId: String(chatId), timeoutMs: 20_000 });
    first.child.kill("SIGKILL");
    await first.exited;

    const second = runService(["all"], { LOG_LEVEL: "warn", ...env });
    running.push(second);
    await expectAllAnswered(chatId, burst, 1);
    second.child.kill("SIGTERM");
    expect(await second.exited).to.equal(0);
  });

  it("the database goes away mid-burst and comes back: nothing lost", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "pustaka-fault-"));
    await fs.chmod(dataDir, 0o755); // the private cluster runs as user postgres when we are root
    const [pgPort, closedPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const start = () =>
      ensureLocalServices({
        dataDir,
        redisUrl: testRedisUrl(),
        log: () => undefined,
        candidates: { postgres: { host: "127.0.0.1", port: closedPort } },
        privatePorts: { postgres: pgPort, redis: closedPort },
      });
    let db: LocalServices = await start();
    try {
      const app = runService(["all"], {
        DATABASE_URL: db.databaseUrl,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: uniquePrefix("pgdown"),
        INBOUND_MAX_PER_MINUTE: "1000",
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        PORT: String(webPort),
      });
      running.push(app);
      const health = `http://127.0.0.1:${webPort}/healthz`;
      await eventually(async () => (await fetch(health)).status === 200, `healthy\n${app.output()}`, 60_000);
      const chatId = 9802;
      const burst = 20;
      for (let i = 0; i < burst / 2; i++) fake.sendText(chatId, `halo ${i}`);
      await fake.waitForSent(2, { chatId: String(chatId), timeoutMs: 20_000 });
      await db.stop();
      await eventually(
        async () => (await fetch(health)).status === 503,
        "healthz 503 while the database is down",
      );
      for (let i = burst / 2; i < burst; i++) fake.sendText(chatId, `halo ${i}`);
      db = await start();
      const { Pool } = await import("pg");
      const pool = new Pool({ connectionString: db.databaseUrl, max: 2 });
      pool.on("error", () => undefined);
      try {
        const query = async (id: number | string) =>
          (
            await pool.query(
              `SELECT m.seq, m.direction, m.text, m.status, m.channel_message_id, m.in_reply_to, m.id
               FROM message m JOIN conversation c ON c.id = m.conversation_id
               WHERE c.chat_id = $1 ORDER BY m.seq`,
              [String(id)],
            )
          ).rows as Awaited<ReturnType<typeof chatLog>>;
        await expectAllAnswered(chatId, burst, 0, query);
      } finally {
        await pool.end();
      }
      app.child.kill("SIGTERM");
      expect(await app.exited).to.equal(0);
    } finally {
      await db.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
