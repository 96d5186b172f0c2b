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
import { freePort, runService, type Running, killAll } from "../helpers/process";
import { chatLog, closeSql, eventually } from "../helpers/app";
import { testRedisUrl, testDatabaseUrl, uniquePrefix } from "../support/services";
import { burst, burstSize, expectBurstDone, send } from "../helpers/burst";

describe("faults", function () {
  this.timeout(150_000);
  let fake: FakeTelegram;
  const running: Running[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
  });

  // A process a failed test left polling the shared fake would take the next test's updates.
  const stopAll = () => killAll(running);
  afterEach(stopAll);

  after(async () => {
    await stopAll();
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

  it("PostgreSQL away for 20 s mid-burst: intake holds, /healthz 503, everything logged after", async () => {
    const outageMs = 20_000;
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
    const { Pool } = await import("pg");
    let pool: InstanceType<typeof Pool> | undefined;
    try {
      const app = runService(["all"], {
        DATABASE_URL: db.databaseUrl,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: uniquePrefix("pgdown"),
        INBOUND_MAX_PER_MINUTE: "1000",
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_MAX_PER_SECOND: "10000",
        TELEGRAM_CHAT_MAX_PER_SECOND: "10000",
        PORT: String(webPort),
      });
      running.push(app);
      const health = `http://127.0.0.1:${webPort}/healthz`;
      await eventually(async () => (await fetch(health)).status === 200, `healthy\n${app.output()}`, 60_000);
      const size = burstSize({ chats: 200, perChat: 10 }, { chats: 20, perChat: 6 });
      const b = burst(9_802_000, size.chats, size.perChat);
      const half = b.perChat / 2;
      const startedAt = Date.now();
      send(fake, b, 0, half);
      await fake.waitForSent(fake.sent.length + 5, { timeoutMs: 20_000 });
      await db.stop();
      const downAt = Date.now();
      send(fake, b, half);
      const sentWhileDown = (b.perChat - half) * b.chats.length;
      // For the whole outage: /healthz says 503 once it has noticed, and the updates sent during
      // it stay unconfirmed at the fake (the poller does not move its offset past what is unrecorded).
      // Sampled back to back until the outage's end (each sample is one /healthz round trip).
      const statuses = new Map<number, number>();
      let leastPending = Infinity;
      let lastOkAfterMs = 0;
      while (Date.now() - downAt < outageMs) {
        const status = await fetch(health).then(
          (r) => r.status,
          () => 0, // the web server not answering at all: counted as 0
        );
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) lastOkAfterMs = Date.now() - downAt;
        if (Date.now() - downAt > 5000) leastPending = Math.min(leastPending, fake.pendingUpdates.length);
      }
      if (statuses.has(0)) console.log(`      the service stopped answering:\n${app.output().slice(-2000)}`);
      const healthSeen = [...statuses].map(([s, n]) => `${n}× ${s}`).join(", ");
      console.log(
        `      [PostgreSQL down ${outageMs / 1000} s] /healthz: ${healthSeen}; ` +
          `from 5 s into it, at least ${leastPending} updates stayed unconfirmed at the fake (those of the burst not yet taken, and the ${sentWhileDown} sent during the outage)`,
      );
      // 200 only in the first seconds, before the pool notices the database is gone.
      expect(lastOkAfterMs, "ms into the outage of the last /healthz 200").to.be.at.most(5000);
      expect(statuses.get(503) ?? 0, "/healthz 503 while the database is down").to.be.greaterThan(0);
      expect(leastPending, "updates sent during the outage unconfirmed").to.be.at.least(sentWhileDown);
      db = await start();
      pool = new Pool({ connectionString: db.databaseUrl, max: 2 });
      pool.on("error", () => undefined);
      const p = pool;
      await expectBurstDone(fake, b, `PostgreSQL down ${outageMs / 1000} s`, {
        startedAt,
        timeoutMs: 120_000,
        query: async (text, params) => (await p.query(text, params)).rows,
      });
      await eventually(async () => (await fetch(health)).status === 200, "/healthz 200 again");
      app.child.kill("SIGTERM");
      expect(await app.exited).to.equal(0);
    } finally {
      await pool?.end();
      await db.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
