/**
 * One drain answers every message its conversation has pending, however many arrived while an
 * answer ran. The relay's commit also says whether more is pending (shared/log/handled-commit.ts)
 * so a drain need not end with a read that finds nothing; a wrong "no" would leave messages
 * behind until the sweeper's next round, which this test puts a minute away.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, startTestApp } from "../helpers/app";

describe("relay: one drain takes every pending message of its conversation", function () {
  let fake: FakeTelegram;
  let app: App | undefined;

  before(async () => {
    fake = await FakeTelegram.start();
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("messages recorded while the first is being answered are all answered, in order, without the sweeper", async () => {
    const chatId = 7301;
    const count = 6;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    ({ app } = await startTestApp(fake, {
      sweepIntervalMs: 60_000,
      env: { INBOUND_MAX_PER_MINUTE: "1000" },
      beforeHandle: async () => {
        if (!first) return;
        first = false;
        await held;
      },
    }));
    for (let i = 0; i < count; i++) fake.sendText(chatId, `/jam ${i}`);
    // Every message recorded (so its drain request collapsed into the one follow-up) before the
    // first answer may finish.
    await eventually(
      async () => (await chatLog(chatId)).filter((r) => r.direction === "in").length === count,
      "all messages recorded",
    );
    release();
    const rows = await eventually(
      async () => {
        const r = await chatLog(chatId);
        return r.filter((x) => x.direction === "out" && x.status === "sent").length === count && r;
      },
      `all ${count} answered within 10 s (the sweeper is a minute away)`,
      10_000,
    );
    const inbound = rows.filter((r) => r.direction === "in");
    const answered = rows
      .filter((r) => r.direction === "out")
      .map((r) => inbound.findIndex((m) => m.id === r.in_reply_to));
    expect(answered).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });
});
