/**
 * The Telegram adapter's polling loop (bot/channels/telegram/poller.ts) against the fake Bot API,
 * recording into the real message log: the offset moves past a batch only once every update in it
 * was recorded. When recording fails, the same update is fetched again, and the log still holds
 * each update exactly once (recording is idempotent).
 */
import { expect } from "chai";
import { Pool } from "pg";
import { TelegramChannel } from "../../bot/channels/telegram/adapter";
import { dbFromPool } from "../../shared/db";
import type { InboundMessage } from "../../shared/envelope";
import { MessageLog } from "../../shared/log/message-log";
import { silentLogger } from "../../shared/logger";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually } from "../helpers/app";
import { testDatabaseUrl } from "../support/services";

describe("telegram poller: the offset follows what was recorded", function () {
  let fake: FakeTelegram;
  let pool: Pool;
  let channel: TelegramChannel | undefined;

  beforeEach(async () => {
    fake = await FakeTelegram.start();
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });
  });

  afterEach(async () => {
    await channel?.close();
    await fake?.close();
    await pool?.end();
    await closeSql();
  });

  it("a batch whose recording fails once is fetched again and logged exactly once", async () => {
    const log = new MessageLog(dbFromPool(pool));
    const base = 7_100_000 + Math.floor(Math.random() * 100_000);
    const [failing, healthy] = [base, base + 1];
    // Both queued before the bot polls, so they arrive in one batch.
    const failingUpdate = fake.sendText(failing, "halo, pertama");
    const healthyUpdate = fake.sendText(healthy, "halo, kedua");
    const attempts: string[] = [];
    let failed = false;
    const onInbound = async (message: InboundMessage) => {
      attempts.push(message.chatId);
      if (message.chatId === String(failing) && !failed) {
        failed = true;
        throw new Error("injected: the database refused the write");
      }
      await log.recordInbound(message);
    };
    channel = new TelegramChannel({
      token: fake.token,
      apiRoot: fake.apiRoot,
      mode: "polling",
      logger: silentLogger,
      pollTimeoutSeconds: 0.2,
    });
    await channel.start(onInbound);

    const lastId = healthyUpdate.update_id;
    const getUpdates = () => fake.calls.filter((c) => c.method === "getUpdates");
    // Confirmed: a later getUpdates asks for what follows the batch, and nothing is left queued.
    await eventually(
      async () =>
        getUpdates().some((c) => Number(c.body.offset) === lastId + 1) && fake.pendingUpdates.length === 0,
      "the batch confirmed by the offset",
    );

    const fetched = getUpdates().map((c) => Number(c.body.offset ?? 0));
    const askedAgain = fetched.filter((offset) => offset <= failingUpdate.update_id);
    expect(askedAgain.length, `getUpdates offsets ${fetched.join(", ")}`).to.be.at.least(2);
    expect(attempts.filter((c) => c === String(failing))).to.have.length(2);
    for (const chatId of [failing, healthy]) {
      const rows = await chatLog(chatId);
      expect(
        rows.filter((r) => r.direction === "in").map((r) => r.text),
        `chat ${chatId}`,
      ).to.have.length(1);
    }
    expect((await chatLog(failing))[0]!.text).to.equal("halo, pertama");
  });
});
