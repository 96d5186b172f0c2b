/**
 * A Telegram flood wait (issue 12): for 10 s every sendMessage answers 429 with retry_after, in
 * the middle of a burst. Afterwards every reply arrives, in order, none twice; and the bot-wide
 * limit (TELEGRAM_MAX_PER_SECOND, default 30) holds while the backlog drains. The rates are
 * measured from the fake's receipt times and printed.
 */
import { expect } from "chai";
import { FakeTelegram } from "../helpers/fake-telegram";
import { freePort, runService, type Running } from "../helpers/process";
import { closeSql, eventually } from "../helpers/app";
import { burst, burstSize, expectBurstDone, send } from "../helpers/burst";
import { faultEnv } from "../helpers/fault-env";

const STORM_MS = 10_000;
const RETRY_AFTER_S = 2;
const MAX_PER_SECOND = 30; // the default TELEGRAM_MAX_PER_SECOND

/** The most timestamps in any window of `ms` (sliding: each timestamp opens one). */
function maxInWindow(times: number[], ms: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("faults: a Telegram 429 storm", function () {
  this.timeout(240_000);
  let fake: FakeTelegram;
  let app: Running | undefined;

  before(async () => {
    fake = await FakeTelegram.start();
  });

  after(async () => {
    if (app && app.child.exitCode === null && app.child.signalCode === null) app.child.kill("SIGKILL");
    await app?.exited;
    await fake?.close();
    await closeSql();
  });

  it("10 s of 429 with retry_after mid-burst: every reply afterwards, in order, none twice, limits held", async () => {
    const size = burstSize({ chats: 200, perChat: 5 }, { chats: 40, perChat: 5 });
    const b = burst(7_500_000, size.chats, size.perChat);
    const port = await freePort();
    app = runService(["all"], faultEnv(fake, "flood", { PORT: String(port) }));
    const running = app;
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200,
      `healthz 200\n${running.output()}`,
      60_000,
    );
    const startedAt = Date.now();
    send(fake, b);
    await fake.waitForSent(10, { timeoutMs: 30_000 });
    const stormStart = Date.now();
    fake.rateLimitFor("sendMessage", STORM_MS, RETRY_AFTER_S);
    const stormEnd = stormStart + STORM_MS;
    await expectBurstDone(fake, b, "429 storm", { startedAt, timeoutMs: 180_000 });

    const sends = fake.sent.filter((m) => m.method === "sendMessage");
    const calls = fake.calls.filter((c) => c.method === "sendMessage");
    const refused = calls.filter((c) => c.status === 429);
    // A send that reached the fake before the storm began may be answered inside it: allow 100 ms.
    const duringStorm = sends.filter((m) => m.at >= stormStart + 100 && m.at < stormEnd).length;
    const after = sends.filter((m) => m.at >= stormEnd);
    const firstAfterMs = after.length ? Math.min(...after.map((m) => m.at)) - stormEnd : NaN;
    const lastAt = Math.max(...sends.map((m) => m.at));
    const globalMax = maxInWindow(
      sends.map((m) => m.at),
      1000,
    );
    const drainRate = after.length / Math.max(1, (lastAt - stormEnd) / 1000);
    const fiveSecondMax = maxInWindow(
      sends.map((m) => m.at),
      5000,
    );
    const perChatMax = Math.max(
      ...b.chats.map((chat) =>
        maxInWindow(
          fake.sentTo(chat).map((m) => m.at),
          1000,
        ),
      ),
    );
    console.log(
      `      [429 storm] ${refused.length} sendMessage calls answered 429 (retry_after ${RETRY_AFTER_S} s) ` +
        `over ${STORM_MS / 1000} s; ${duringStorm} delivered inside the storm; first delivery ${firstAfterMs} ms after it; ` +
        `${after.length} delivered after it at ${drainRate.toFixed(1)}/s; ` +
        `most in any 1 s: ${globalMax} bot-wide (limit ${MAX_PER_SECOND}/s), in any 5 s: ${fiveSecondMax}; ` +
        `most to one chat in any 1 s: ${perChatMax} (no per-chat pacing: Telegram's own 429s are honoured)`,
    );
    // retry_after honoured: each of egress's 20 drains asks again once per retry_after, not in a loop.
    expect(refused.length, "429s answered").to.be.within(1, 20 * (STORM_MS / 1000 / RETRY_AFTER_S + 1));
    expect(duringStorm, "deliveries while every send is refused").to.equal(0);
    expect(firstAfterMs, "resumed within retry_after of the storm's end").to.be.at.most(
      RETRY_AFTER_S * 1000 + 1000,
    );
    // The limiter counts fixed 1 s windows (rate-limiter-flexible): a sliding window of k seconds
    // meets at most k + 1 of them.
    expect(globalMax, "bot-wide sends in any 1 s").to.be.at.most(2 * MAX_PER_SECOND);
    expect(fiveSecondMax, "bot-wide sends in any 5 s").to.be.at.most(6 * MAX_PER_SECOND);
    running.child.kill("SIGTERM");
    expect(await running.exited).to.equal(0);
  });
});
