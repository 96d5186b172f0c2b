/**
 * Send pacing (bot/send-pacing.ts) on this run's Redis: the GCRA reservations give a chat its
 * burst and then one send a second, hold a channel-wide rate across two connections (two bot
 * processes) with no window edge letting twice the rate through, take nothing when the wait is
 * too long, and a hold-off (a 429's retry_after) delays every limit it names.
 */
import { expect } from "chai";
import { SendPacer, type PacedLimit } from "../../bot/send-pacing";
import { createRedis } from "../../shared/redis";
import { mostInWindow } from "../helpers/windows";
import { testRedisUrl, uniquePrefix } from "../support/services";

describe("send pacing: GCRA reservations in Redis", () => {
  let redis: ReturnType<typeof createRedis>;
  let other: ReturnType<typeof createRedis>;
  const limit = (rate: PacedLimit["rate"]): PacedLimit => ({ key: uniquePrefix("pace"), rate });

  before(() => {
    redis = createRedis(testRedisUrl(), "pacing-test-a");
    other = createRedis(testRedisUrl(), "pacing-test-b");
  });

  after(() => {
    redis.disconnect();
    other.disconnect();
  });

  it("gives one chat its burst at once, then one send a second", async () => {
    const pacer = new SendPacer(redis);
    const chat = limit({ perSecond: 1, burst: 3 });
    const at: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await pacer.reserve([chat], 10_000);
      expect(r.reserved).to.equal(true);
      at.push(Date.now() + r.waitMs);
    }
    const offsets = at.map((t) => t - at[0]!);
    // Each reservation is computed on Redis's clock a few ms after the one before.
    offsets.forEach((o, i) =>
      expect(o, `send ${i + 1} at +${o} ms`).to.be.closeTo([0, 0, 0, 1000, 2000, 3000][i]!, 40),
    );
  });

  it("takes nothing when the slot is further away than the caller will wait", async () => {
    const pacer = new SendPacer(redis);
    const chat = limit({ perSecond: 1, burst: 1 });
    expect((await pacer.reserve([chat], 250)).reserved).to.equal(true);
    const refused = await pacer.reserve([chat], 250);
    expect(refused.reserved).to.equal(false);
    expect(refused.waitMs).to.be.within(900, 1000);
    // Nothing was taken: the next caller waits as long, not a second more.
    expect((await pacer.reserve([chat], 250)).waitMs).to.be.within(900, 1000);
  });

  it("holds a channel-wide 30/s over two connections: at most 30 in any second, evenly spaced", async () => {
    const pacers = [new SendPacer(redis), new SendPacer(other)];
    const channel = limit({ perSecond: 30, burst: 1 });
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 90 }, async (_, i) => {
        const r = await pacers[i % 2]!.reserve([channel], 10_000);
        expect(r.reserved).to.equal(true);
        at.push(Date.now() + r.waitMs);
      }),
    );
    // A fixed 1 s window would let up to 60 through across an edge; GCRA 30 (+1 at the edge's ms).
    expect(mostInWindow(at, 1000)).to.be.at.most(31);
    const span = Math.max(...at) - Math.min(...at);
    expect(span).to.be.closeTo((89 * 1000) / 30, 60);
  });

  it("books the channel's slot only when the chat allows a send now: a paced chat holds no one up", async () => {
    const pacer = new SendPacer(redis);
    const channel = limit({ perSecond: 10, burst: 1 });
    const chatA = limit({ perSecond: 1, burst: 1 });
    const chatB = limit({ perSecond: 1, burst: 1 });
    expect(await pacer.reserve([channel, chatA], 5000)).to.deep.equal({ reserved: true, waitMs: 0 });
    // Chat A's next send is a second away: nothing is booked, however long the caller would wait.
    const a = await pacer.reserve([channel, chatA], 5000);
    expect(a.reserved).to.equal(false);
    expect(a.waitMs).to.be.within(850, 1000);
    // So chat B waits only for the channel's next slot (100 ms), not behind A's second.
    const b = await pacer.reserve([channel, chatB], 5000);
    expect(b.reserved).to.equal(true);
    expect(b.waitMs).to.be.at.most(100);
  });

  it("a hold-off (a 429's retry_after) delays every limit it names, from now", async () => {
    const pacer = new SendPacer(redis);
    const channel = limit({ perSecond: 30, burst: 1 });
    const chat = limit({ perSecond: 1, burst: 3 });
    await pacer.holdOff([channel, chat], 2000);
    const r = await pacer.reserve([channel], 250);
    expect(r.reserved).to.equal(false);
    expect(r.waitMs).to.be.within(1900, 2000);
    const c = await pacer.reserve([chat], 5000);
    expect(c.waitMs).to.be.within(1900, 2000);
  });
});
