/**
 * Egress sends each reply once even when two runs of one conversation's drain meet (a job that
 * lost its lock), and a reply whose sends keep failing is failed after the cap instead of
 * blocking the conversation (issue 8, item 7). Real PostgreSQL, Redis, BullMQ, telegraf and the
 * fake Telegram, which counts sendMessage calls. And the pacing: a chat gets its burst, then one
 * reply a second, without holding the worker other chats need; a 429 holds every drain off.
 */
import { expect } from "chai";
import { Pool } from "pg";
import type { ChannelAdapter } from "../../bot/channel";
import { TelegramChannel } from "../../bot/channels/telegram/adapter";
import { Egress } from "../../bot/egress";
import { ChannelRateLimitedError } from "../../shared/errors";
import { dbFromPool } from "../../shared/db";
import { delay } from "../../shared/lifecycle";
import { MessageLog } from "../../shared/log/message-log";
import { silentLogger } from "../../shared/logger";
import { DrainRequests, outboundQueueName } from "../../shared/queues";
import { createRedis } from "../../shared/redis";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually } from "../helpers/app";
import { testDatabaseUrl, testRedisUrl, uniquePrefix } from "../support/services";

describe("egress: one send per reply, and a cap on transient failures", function () {
  let fake: FakeTelegram;
  let pool: Pool;
  let messageLog: MessageLog;
  let redis: ReturnType<typeof createRedis>;
  let telegram: TelegramChannel;
  const closing: Array<() => Promise<unknown>> = [];
  let chat = 770_000 + Math.floor(Math.random() * 10_000);

  before(async () => {
    fake = await FakeTelegram.start();
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 10 });
    messageLog = new MessageLog(dbFromPool(pool));
    redis = createRedis(testRedisUrl(), "egress-test");
    telegram = new TelegramChannel({
      token: fake.token,
      apiRoot: fake.apiRoot,
      mode: "polling",
      logger: silentLogger,
    });
  });

  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  after(async () => {
    await telegram.close();
    redis.disconnect();
    await pool.end();
    await fake.close();
    await closeSql();
  });

  /** A conversation with `texts` queued as bot replies, in this order. */
  async function queuedReplies(texts: string[]): Promise<{ chatId: number; conversationId: number }> {
    const chatId = ++chat;
    const inbound = await messageLog.recordInbound({
      channel: "telegram",
      key: `${chatId}:1`,
      chatId: String(chatId),
      chat: { type: "private" },
      sender: { id: String(chatId), displayName: "Egress" },
      kind: "text",
      text: "hi",
      sentAt: new Date().toISOString(),
      meta: {},
    });
    await messageLog.handleNextInbound(inbound.conversationId, async () => ({
      handledBy: "test",
      unknownStreak: 0,
      replies: texts.map((text) => ({ text })),
    }));
    return { chatId, conversationId: inbound.conversationId };
  }

  /** An egress on its own queue (prefix), so two of them run drains of one conversation at once. */
  async function startEgress(
    adapter: ChannelAdapter,
    extra: Partial<ConstructorParameters<typeof Egress>[0]> = {},
  ) {
    const prefix = uniquePrefix("egress");
    const egress = new Egress({
      adapter,
      messageLog,
      redis,
      prefix,
      logger: silentLogger,
      maxPerSecond: 1000,
      ...extra,
    });
    await egress.start();
    const drains = new DrainRequests(outboundQueueName("telegram"), redis, prefix);
    closing.push(
      () => egress.close(),
      () => drains.close(),
    );
    return { egress, drains };
  }

  it("two egress runs racing on one conversation send each reply exactly once, in order", async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `balasan ${i + 1}`);
    const { chatId, conversationId } = await queuedReplies(texts);
    // A little latency on the wire widens the window in which both runs see the same reply.
    const slow: ChannelAdapter = {
      name: "telegram",
      ready: true,
      start: async () => undefined,
      close: async () => undefined,
      send: async (m) => {
        await delay(15);
        return telegram.send(m);
      },
    };
    const a = await startEgress(slow);
    const b = await startEgress(slow);
    await Promise.all([a.drains.request(conversationId), b.drains.request(conversationId)]);
    await eventually(async () => {
      const rows = await chatLog(chatId);
      return rows.filter((r) => r.direction === "out").every((r) => r.status === "sent");
    }, "every reply sent");
    // Both drains are done (nothing active on either queue) before counting.
    await eventually(
      async () =>
        (await a.drains.queue.getActiveCount()) + (await b.drains.queue.getActiveCount()) === 0 &&
        (await a.drains.queue.getWaitingCount()) + (await b.drains.queue.getWaitingCount()) === 0,
      "both drains finished",
    );
    expect(fake.sentTo(chatId).map((m) => m.text)).to.deep.equal(texts);
  });

  it("fails a reply whose sends keep failing with 5xx after the cap, and delivers the next one", async () => {
    const { chatId, conversationId } = await queuedReplies(["tidak pernah sampai", "sampai"]);
    const { drains } = await startEgress(telegram, { maxSendAttempts: 3 });
    // Exactly the cap: an egress without one would deliver the first reply on its 4th attempt.
    fake.failNext("sendMessage", { status: 502, description: "Bad Gateway" }, 3);
    await drains.request(conversationId);
    const rows = await eventually(
      async () => {
        const out = (await chatLog(chatId)).filter((r) => r.direction === "out");
        return out[1]?.status === "sent" && out;
      },
      "the second reply sent",
      20_000,
    );
    expect(rows[0]!.status).to.equal("failed");
    expect(fake.sentTo(chatId).map((m) => m.text)).to.deep.equal(["sampai"]);
    const [failed] = await pool
      .query<{ error: string; send_attempts: number }>(
        `SELECT error, send_attempts FROM message WHERE id = $1`,
        [rows[0]!.id],
      )
      .then((r) => r.rows);
    expect(failed!.send_attempts).to.equal(3);
    expect(failed!.error).to.match(/^gave up after 3 attempts: telegram 502/);
    // A librarian's retry queues it again with a fresh count.
    expect(await messageLog.requeueFailed(rows[0]!.id)).to.deep.equal({
      conversationId,
      channel: "telegram",
    });
    await drains.request(conversationId);
    await fake.waitForSent(2, { chatId });
  });

  /** A channel that records what it is asked to send and when (and can refuse with 429). */
  function recordingChannel(refuse: (at: number) => boolean = () => false) {
    const calls: Array<{ chatId: string; text: string; at: number; refused: boolean }> = [];
    const adapter: ChannelAdapter = {
      name: "telegram",
      ready: true,
      start: async () => undefined,
      close: async () => undefined,
      send: async (m) => {
        const at = Date.now();
        const refused = refuse(at);
        calls.push({ chatId: m.chatId, text: m.text, at, refused });
        if (refused)
          throw new ChannelRateLimitedError(1000, "telegram 429: Too Many Requests: retry after 1");
        return { channelMessageId: String(calls.length) };
      },
    };
    return { adapter, calls, sent: () => calls.filter((c) => !c.refused) };
  }

  it("paces one chat (its burst, then one a second) without holding the worker another chat needs", async () => {
    const a = await queuedReplies(["a1", "a2", "a3", "a4", "a5"]);
    const b = await queuedReplies(["b1"]);
    const channel = recordingChannel();
    // One worker slot: if A's drain slept through its pacing, B would wait behind all of it.
    const { drains } = await startEgress(channel.adapter, {
      concurrency: 1,
      perChat: { perSecond: 1, burst: 2 },
    });
    await drains.request(a.conversationId);
    await drains.request(b.conversationId);
    await eventually(async () => channel.sent().length === 6, "all six replies sent", 15_000);
    const toA = channel.sent().filter((c) => c.chatId === String(a.chatId));
    expect(toA.map((c) => c.text)).to.deep.equal(["a1", "a2", "a3", "a4", "a5"]);
    const gaps = toA.slice(1).map((c, i) => c.at - toA[i]!.at);
    expect(gaps[0], "the burst of two goes at once").to.be.below(300);
    for (const gap of gaps.slice(1)) expect(gap, `gaps ${gaps.join(", ")} ms`).to.be.within(900, 1600);
    const toB = channel.sent().find((c) => c.chatId === String(b.chatId))!;
    expect(toB.at, "chat B's reply went out while chat A was being paced").to.be.below(toA[2]!.at);
  });

  it("a 429 holds every drain off for its retry_after: one refused send per wait, not one per drain", async () => {
    const convs = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => queuedReplies([`balasan ${i}`])));
    let stormUntil = 0;
    const channel = recordingChannel((at) => {
      if (stormUntil === 0) stormUntil = at + 2500;
      return at < stormUntil;
    });
    const { drains } = await startEgress(channel.adapter, { concurrency: 6, maxPerSecond: 30 });
    await drains.requestMany(convs.map((c) => c.conversationId));
    await eventually(async () => channel.sent().length === 6, "every reply sent after the storm", 15_000);
    const refused = channel.calls.filter((c) => c.refused);
    // 2.5 s of 429 with retry_after 1 s: a probe at 0, 1 and 2 s. Six drains each asking on
    // their own would be refused at least 12 times.
    expect(
      refused.length,
      `refused at +${refused.map((c) => c.at - refused[0]!.at).join(", +")} ms`,
    ).to.be.within(1, 4);
    expect(channel.sent().every((c) => c.at >= stormUntil)).to.equal(true);
    expect(new Set(channel.sent().map((c) => c.chatId)).size).to.equal(6);
  });
});
