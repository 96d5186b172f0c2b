/**
 * `kill -9` of one role while the others run, in the middle of a burst from many chats (issue 12):
 * the relay (answers), and the bot (egress) between "sent" and "marked sent". Counts are printed;
 * CI sizes by default, the full ones with `npm run test:faults`.
 */
import { expect } from "chai";
import { FakeTelegram } from "../helpers/fake-telegram";
import { freePort, runService, type Running, killAll } from "../helpers/process";
import { closeSql, eventually } from "../helpers/app";
import { burst, burstSize, expectBurstDone, send } from "../helpers/burst";
import { faultEnv } from "../helpers/fault-env";

/** bot/role.ts starts each channel's egress with this many drains at a time (Egress default). */
const EGRESS_CONCURRENCY = 20;

describe("faults: kill -9 of one role mid-burst", function () {
  this.timeout(240_000);
  let fake: FakeTelegram;
  const running: Running[] = [];
  const start = (roles: string[], env: Record<string, string>) => {
    const r = runService(roles, env);
    running.push(r);
    return r;
  };

  before(async () => {
    fake = await FakeTelegram.start();
  });

  // Every test's processes end with it: a bot left polling the shared fake would take the next
  // test's updates (another QUEUE_PREFIX, the same bot token) and answer them behind its back.
  const stopAll = () => killAll(running);
  afterEach(stopAll);

  after(async () => {
    await stopAll();
    await fake?.close();
    await closeSql();
  });

  async function healthy(port: number, who: Running) {
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200,
      `healthz 200\n${who.output()}`,
      60_000,
    );
  }

  it("the relay: killed mid-burst and restarted, every message answered once, in order", async () => {
    const size = burstSize({ chats: 200, perChat: 25 }, { chats: 100, perChat: 8 });
    const b = burst(7_100_000, size.chats, size.perChat);
    const port = await freePort();
    const env = faultEnv(fake, "kill-relay", {
      TELEGRAM_MAX_PER_SECOND: "10000",
      TELEGRAM_CHAT_MAX_PER_SECOND: "10000",
    });
    const front = start(["web", "bot"], { ...env, PORT: String(port) });
    const relay = start(["relay"], env);
    await healthy(port, front);
    const startedAt = Date.now();
    send(fake, b);
    const total = b.chats.length * b.perChat;
    await fake.waitForSent(Math.ceil(total / 5), { timeoutMs: 60_000 });
    relay.child.kill("SIGKILL");
    await relay.exited;
    const answeredAtKill = fake.sent.length;
    start(["relay"], env);
    const counts = await expectBurstDone(fake, b, "kill -9 relay", { startedAt, timeoutMs: 180_000 });
    console.log(`      [kill -9 relay] killed after ${answeredAtKill} of ${total} replies delivered`);
    expect(counts.delivered).to.equal(total);
  });

  it("the bot (egress): killed between 'sent' and 'marked sent', nothing lost, only that reply resent", async () => {
    const size = burstSize({ chats: 200, perChat: 25 }, { chats: 20, perChat: 5 });
    const b = burst(7_200_000, size.chats, size.perChat);
    const port = await freePort();
    const env = faultEnv(fake, "kill-bot", {
      TELEGRAM_MAX_PER_SECOND: "10000",
      TELEGRAM_CHAT_MAX_PER_SECOND: "10000",
    });
    start(["web", "relay"], { ...env, PORT: String(port) });
    let bot = start(["bot"], env);
    await healthy(port, bot);
    const total = b.chats.length * b.perChat;
    const killAt = Math.ceil(total / 4);
    const before = fake.sent.length;
    let killed = false;
    // On the fake's receipt of that sendMessage: it is delivered (in fake.sent), its answer not yet
    // written, so egress cannot have marked it sent. Kill the bot there; the answer goes nowhere.
    // Other drains of the same process may be at the same point (a response written, not yet
    // recorded): at most one reply per drain, so at most EGRESS_CONCURRENCY in all.
    fake.onAnswer("sendMessage", async () => {
      if (killed || fake.sent.length - before < killAt) return;
      killed = true;
      fake.onAnswer("sendMessage", undefined);
      bot.child.kill("SIGKILL");
      await bot.exited;
    });
    const startedAt = Date.now();
    send(fake, b);
    await eventually(async () => bot.child.signalCode === "SIGKILL", "the bot killed on a send", 60_000);
    bot = start(["bot"], env);
    const counts = await expectBurstDone(fake, b, "kill -9 bot", {
      startedAt,
      maxResent: EGRESS_CONCURRENCY,
      timeoutMs: 180_000,
    });
    console.log(
      `      [kill -9 bot] killed on delivery ${killAt} of ${total}; resent ${counts.resent}, at most ${counts.resentInOneChat} to one chat`,
    );
    // The reply the kill caught is sent again (a repeat, never a loss).
    expect(counts.resent).to.be.at.least(1);
  });
});
