/**
 * Order within a conversation, under faults that force retries, with two relay processes;
 * many conversations in parallel. Order is checked where the patron sees it (the order the
 * fake Telegram received the replies) and in the log (reply sequence numbers).
 */
import { expect } from "chai";
import type { App } from "../../main";
import type { PendingInbound } from "../../shared/log/records";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, startTestApp } from "../helpers/app";
import { uniquePrefix } from "../support/services";

describe("ordering: one conversation in order, conversations in parallel", function () {
  this.timeout(90_000);
  let fake: FakeTelegram;
  let first: App;
  let second: App;
  const failedOnce = new Set<string>();
  let injectedFaults = 0;

  // Crash the first attempt at every message whose text carries "!": the drain job fails,
  // BullMQ retries it, and later messages of the chat must wait behind it.
  const flaky = (m: PendingInbound) => {
    if (m.text?.includes("!") && !failedOnce.has(m.id)) {
      failedOnce.add(m.id);
      injectedFaults++;
      throw new Error(`injected fault at message ${m.id}`);
    }
  };

  before(async () => {
    fake = await FakeTelegram.start();
    const prefix = uniquePrefix("order");
    ({ app: first } = await startTestApp(fake, { prefix, beforeHandle: flaky }));
    // A second relay process on the same queues and database.
    ({ app: second } = await startTestApp(undefined, { prefix, roles: ["relay"], beforeHandle: flaky }));
  });

  after(async () => {
    await second?.close();
    await first?.close();
    await fake?.close();
    await closeSql();
  });

  /** Check one chat: every message answered once, replies sent and logged in message order. */
  async function expectInOrder(chatId: number, count: number) {
    const rows = await eventually(
      async () => {
        const r = await chatLog(chatId);
        const out = r.filter((x) => x.direction === "out");
        return out.length === count && out.every((x) => x.status === "sent") && r;
      },
      `${count} replies sent to chat ${chatId}`,
      60_000,
    );
    const inbound = rows.filter((r) => r.direction === "in");
    expect(inbound.map((r) => r.text)).to.deep.equal(texts(chatId, count));
    const seqOfInbound = new Map(inbound.map((r) => [r.id, r.seq]));
    const outbound = rows.filter((r) => r.direction === "out");
    // In the log: the replies' own order follows the order of the messages they answer.
    const answeredSeqs = outbound.map((r) => seqOfInbound.get(r.in_reply_to!)!);
    expect(answeredSeqs).to.deep.equal([...answeredSeqs].sort((a, b) => a - b));
    expect(new Set(answeredSeqs).size).to.equal(count);
    // At the patron: the order Telegram received them.
    const deliveredSeqs = fake
      .sentTo(chatId)
      .map((s) => outbound.find((r) => r.channel_message_id === String(s.messageId)))
      .map((r) => seqOfInbound.get(r!.in_reply_to!)!);
    expect(deliveredSeqs).to.deep.equal([...answeredSeqs]);
  }

  const texts = (chatId: number, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const marker = i % 4 === 1 ? "!" : "";
      return [`/jam ${chatId}-${i}${marker}`, `halo ${chatId}-${i}${marker}`, `help ${chatId}-${i}${marker}`][
        i % 3
      ]!;
    });

  it("keeps 20 messages of one chat in order while faults force retries on both hops", async () => {
    const chatId = 7001;
    fake.failEvery("sendMessage", 5, { status: 500, description: "Internal Server Error: injected" });
    for (const text of texts(chatId, 20)) fake.sendText(chatId, text);
    await expectInOrder(chatId, 20);
    fake.clearFaults();
    expect(injectedFaults, "relay faults injected").to.be.at.least(4);
    expect(
      fake.calls.filter((c) => c.method === "sendMessage" && c.status === 500).length,
      "send faults",
    ).to.be.at.least(3);
  });

  it("runs 50 chats in parallel, each in order, across two relay processes", async () => {
    const chats = Array.from({ length: 50 }, (_, i) => 8000 + i);
    const perChat = 4;
    // Interleave the chats, as a busy bot receives them.
    for (let i = 0; i < perChat; i++)
      for (const chatId of chats) fake.sendText(chatId, texts(chatId, perChat)[i]!);
    for (const chatId of chats) await expectInOrder(chatId, perChat);
  });
});
