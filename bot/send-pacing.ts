/**
 * Send pacing shared by every bot process through Redis (docs/message-path.md, "Channel rate
 * limits"): a channel-wide rate (Telegram ~30 msg/s) and, where the channel asks for one, a rate
 * per chat (Telegram ~1 msg/s in one chat, with a short burst allowed).
 *
 * The algorithm is GCRA (the generic cell rate algorithm, "virtual scheduling"; the one behind
 * redis-cell and throttled): each limit keeps one number in Redis, the theoretical arrival time
 * (TAT) of the next send. A send at `t` conforms when `t >= TAT - (burst - 1) * interval`; taking
 * it moves TAT to `max(TAT, t) + interval`. Any window of `w` ms then holds at most
 * `burst + w / interval` sends, with no fixed-window edge that lets twice the rate through (the
 * fixed 1 s windows of rate-limiter-flexible, used before, measured 50 sends in a sliding second at
 * a 30/s limit). Redis's own clock (`TIME`) is the clock, so processes on several machines agree.
 *
 * One script reserves a send time under every limit that applies at once. The first limit (the
 * channel's) is a queue: a send may be booked up to `maxWaitMs` ahead, in turn. The others (the
 * chat's) are gates: they must allow a send now, or nothing is booked — booking a chat's send a
 * second ahead would book the channel's slot there too, and GCRA cannot give back the slots
 * before it, so every other chat would wait behind it. A reply that must wait long takes nothing,
 * and its drain can hand its worker slot back.
 */
import type { Redis } from "ioredis";

/** A limit: `perSecond` sends a second on average (fractional for slow ones), `burst` at once. */
export interface PaceRate {
  perSecond: number;
  burst: number;
}

export interface Reservation {
  /** the send was given a slot: send after `waitMs` */
  reserved: boolean;
  /** how long until the earliest moment every limit allows a send */
  waitMs: number;
}

// KEYS: the queue limit, then the gate limits. ARGV: maxWaitMs, then interval and tolerance (ms)
// for each key. Times are milliseconds (floats, to the microsecond) on Redis's clock.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local maxWait = tonumber(ARGV[1])
local tats = {}
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  tats[i] = tat
end
-- Under a millisecond counts as now: no timer is finer, and a slot a fraction of a millisecond
-- early keeps the spacing (the slot itself is booked).
for i = 2, #KEYS do
  local allowAt = tats[i] - tonumber(ARGV[2 * i + 1])
  if allowAt - now >= 1 then return {0, tostring(allowAt - now)} end
end
local at = tats[1] - tonumber(ARGV[3])
if at - now < 1 then at = now end
local wait = at - now
if wait > maxWait then return {0, tostring(wait)} end
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local tat = tats[i]
  if at > tat then tat = at end
  tat = tat + interval
  redis.call('SET', key, tostring(tat), 'PX', math.ceil(tat - now) + 1000)
end
return {1, tostring(wait)}
`;

// KEYS: the limits to hold off. ARGV: ms, then the tolerance (ms) of each key: no send under any
// of them is booked before now + ms, and '<key>:hold' tells those booked earlier to wait too.
const HOLD_OFF = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local ms = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local want = now + ms + tonumber(ARGV[i + 1])
  local tat = tonumber(redis.call('GET', key) or 0)
  if want > tat then redis.call('SET', key, tostring(want), 'PX', math.ceil(want - now) + 1000) end
  redis.call('SET', key .. ':hold', '1', 'PX', math.max(1, math.ceil(ms)))
end
return 1
`;

type PacingRedis = Redis & {
  pustakaPaceReserve(...args: Array<string | number>): Promise<[number, string]>;
  pustakaPaceHoldOff(...args: Array<string | number>): Promise<number>;
};

export interface PacedLimit {
  key: string;
  rate: PaceRate;
}

/** The limits' arithmetic: ms between sends, and how far ahead of TAT a send may go. */
function timing(rate: PaceRate): { interval: number; tolerance: number } {
  const interval = 1000 / rate.perSecond;
  return { interval, tolerance: (Math.max(1, rate.burst) - 1) * interval };
}

export class SendPacer {
  private readonly redis: PacingRedis;

  constructor(redis: Redis) {
    // defineCommand sends EVALSHA and loads the script again after a Redis restart (NOSCRIPT).
    const r = redis as PacingRedis;
    if (typeof r.pustakaPaceReserve !== "function") {
      redis.defineCommand("pustakaPaceReserve", { lua: RESERVE });
      redis.defineCommand("pustakaPaceHoldOff", { lua: HOLD_OFF });
    }
    this.redis = r;
  }

  /**
   * A send time under every limit: booked on the first (a queue) at most `maxWaitMs` ahead, and
   * only when every other limit (a gate) allows a send now. Not booked: `waitMs` says when to ask again.
   */
  async reserve(limits: readonly PacedLimit[], maxWaitMs: number): Promise<Reservation> {
    const args: Array<string | number> = [limits.length, ...limits.map((l) => l.key), maxWaitMs];
    for (const l of limits) {
      const { interval, tolerance } = timing(l.rate);
      args.push(interval, tolerance);
    }
    const [reserved, wait] = await this.redis.pustakaPaceReserve(...args);
    return { reserved: reserved === 1, waitMs: Math.max(0, Math.round(Number(wait))) };
  }

  /**
   * How much longer a hold-off of any of these limits lasts (0: none). A send booked before a
   * hold-off began asks this after waiting for its slot, so it does not go out into the 429.
   */
  async heldFor(limits: readonly PacedLimit[]): Promise<number> {
    const ttls = await Promise.all(limits.map((l) => this.redis.pttl(`${l.key}:hold`)));
    return Math.max(0, ...ttls);
  }

  /** No send under these limits for `ms` from now (a channel's 429 with retry_after). */
  async holdOff(limits: readonly PacedLimit[], ms: number): Promise<void> {
    await this.redis.pustakaPaceHoldOff(
      limits.length,
      ...limits.map((l) => l.key),
      ms,
      ...limits.map((l) => timing(l.rate).tolerance),
    );
  }
}
