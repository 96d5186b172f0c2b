/**
 * Redis restarted (kill -9) in the middle of a burst, under the running service (issue 12): once
 * with AOF (`appendfsync always`), once with no persistence at all (it comes back empty: queues,
 * deduplication, rate-limit counters gone). Nothing acknowledged to Telegram may be lost in either
 * case: messages and replies live in PostgreSQL, and with an empty Redis the sweepers request the
 * lost drains again from the log (docs/message-path.md §5).
 */
import { FakeTelegram } from "../helpers/fake-telegram";
import { freePort, runService, type Running, killAll } from "../helpers/process";
import { closeSql, eventually } from "../helpers/app";
import { burst, burstSize, expectBurstDone, FULL, send } from "../helpers/burst";
import { faultEnv } from "../helpers/fault-env";
import { PrivateRedis } from "../helpers/private-redis";

describe("faults: Redis restarted mid-burst", function () {
  this.timeout(240_000);
  let fake: FakeTelegram;
  const running: Running[] = [];
  const redises: PrivateRedis[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
  });

  // Every test's processes end with it: a bot left polling the shared fake would take the next
  // test's updates (another QUEUE_PREFIX, the same bot token) and answer them behind its back.
  const stopAll = () => killAll(running);
  afterEach(stopAll);

  after(async () => {
    await stopAll();
    await Promise.all(redises.map((r) => r.close()));
    await fake?.close();
    await closeSql();
  });

  for (const [persistence, firstChat] of [
    ["aof", 7_300_000],
    ["none", 7_400_000],
  ] as const) {
    it(`${persistence === "aof" ? "with AOF" : "without persistence (comes back empty)"}: every message answered once, in order`, async () => {
      const redis = await PrivateRedis.start(persistence);
      redises.push(redis);
      const size = burstSize({ chats: 200, perChat: 25 }, { chats: 50, perChat: 6 });
      const b = burst(firstChat, size.chats, size.perChat);
      const port = await freePort();
      const env = faultEnv(fake, `redis-${persistence}`, {
        REDIS_URL: redis.url,
        TELEGRAM_MAX_PER_SECOND: "10000",
        TELEGRAM_CHAT_MAX_PER_SECOND: "10000",
        // Few drains at a time in CI's small burst, so that most conversations wait as jobs in Redis
        // when it restarts (with as many drains as chats, the running drains would read everything
        // from the log); the full burst's 200 chats outnumber the default 50 anyway.
        ...(FULL ? {} : { RELAY_CONCURRENCY: "4" }),
        PORT: String(port),
      });
      const app = runService(["all"], env);
      running.push(app);
      await eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200,
        `healthz 200\n${app.output()}`,
        60_000,
      );
      const startedAt = Date.now();
      // The whole burst at once and no message after the restart: a conversation whose drain
      // request the restart lost gets no new message to request it again; only the sweeper can.
      send(fake, b);
      const total = b.chats.length * b.perChat;
      const delivered = () => b.chats.reduce((n, chat) => n + fake.sentTo(chat).length, 0);
      await eventually(async () => delivered() >= total / 8, "an eighth of the replies", 60_000);
      const deliveredAtRestart = delivered();
      await redis.restart();
      console.log(
        `      [Redis ${persistence}] restarted after ${deliveredAtRestart} of ${total} replies delivered`,
      );
      await expectBurstDone(fake, b, `Redis restarted, ${persistence === "aof" ? "AOF" : "no persistence"}`, {
        startedAt,
        timeoutMs: 180_000,
      });
      app.child.kill("SIGTERM");
      await app.exited;
    });
  }
});
