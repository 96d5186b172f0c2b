/**
 * The real process, started as an operator would (main.ts, every role), against the fake
 * Telegram: it answers, logs, drains on SIGTERM and exits 0; a restart finishes what was left.
 */
import { expect } from "chai";
import { FakeTelegram } from "../helpers/fake-telegram";
import { freePort, runService, type Running, killAll } from "../helpers/process";
import { chatLog, closeSql, eventually } from "../helpers/app";
import { testRedisUrl, testDatabaseUrl, uniquePrefix } from "../support/services";

describe("the service process", function () {
  this.timeout(120_000);
  let fake: FakeTelegram;
  const running: Running[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
  });

  after(async () => {
    await killAll(running);
    await fake?.close();
    await closeSql();
  });

  it("stops at start-up with one line naming a malformed variable", async () => {
    const r = runService(["all"], { TELEGRAM_MODE: "carrier-pigeon" });
    running.push(r);
    expect(await r.exited).to.equal(1);
    expect(r.output().trim()).to.equal(
      'Configuration error: TELEGRAM_MODE: must be polling or webhook (got "carrier-pigeon")',
    );
  });

  it("answers /start and /jam, logs both sides, drains on SIGTERM (exit 0) and finishes after a restart", async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniquePrefix("proc"),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PORT: String(port),
      LOG_LEVEL: "warn",
    };
    const first = runService(["all"], env);
    running.push(first);
    const health = `http://127.0.0.1:${port}/healthz`;
    await eventually(
      async () => (await fetch(health)).status === 200,
      `healthz 200\n${first.output()}`,
      60_000,
    );

    const chatId = 9301;
    fake.sendText(chatId, "/start");
    fake.sendText(chatId, "/jam");
    const replies = await fake.waitForSent(2, { chatId: String(chatId), timeoutMs: 20_000 });
    expect(replies[0]!.text).to.contain("Selamat datang");
    expect(replies[1]!.text).to.contain("Jam layanan");
    const rows = await eventually(async () => {
      const r = await chatLog(chatId);
      return r.length === 4 && r.every((x) => x.status !== "received" && x.status !== "queued") && r;
    }, "four rows");
    const inbound = rows.filter((r) => r.direction === "in");
    const outbound = rows.filter((r) => r.direction === "out");
    expect(inbound.map((r) => [r.text, r.status])).to.deep.equal([
      ["/start", "handled"],
      ["/jam", "handled"],
    ]);
    expect(outbound.map((r) => [r.text, r.status, r.in_reply_to])).to.deep.equal([
      [replies[0]!.text, "sent", inbound[0]!.id],
      [replies[1]!.text, "sent", inbound[1]!.id],
    ]);

    // A burst, then SIGTERM while it is in flight.
    const burst = 10;
    for (let i = 0; i < burst; i++) fake.sendText(chatId, `halo ${i}`);
    await fake.waitForSent(3, { chatId: String(chatId) });
    first.child.kill("SIGTERM");
    expect(await first.exited, first.output()).to.equal(0);

    // Whatever was not answered before the stop is answered after a restart, once.
    const second = runService(["all"], env);
    running.push(second);
    await fake.waitForSent(2 + burst, { chatId: String(chatId), timeoutMs: 60_000 });
    const log = await eventually(async () => {
      const r = await chatLog(chatId);
      return r.filter((x) => x.direction === "out" && x.status === "sent").length === 2 + burst && r;
    }, "every reply sent");
    expect(log.filter((r) => r.direction === "in")).to.have.length(2 + burst);
    expect(fake.sentTo(chatId)).to.have.length(2 + burst);
    await eventually(
      async () => (await fetch(health)).status === 200,
      "the restarted process healthy",
      60_000,
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).to.equal(0);
  });
});
