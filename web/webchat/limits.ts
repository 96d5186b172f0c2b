/**
 * The widget's message limits, in Redis (rate-limiter-flexible, like the console's login limits)
 * so that every web node counts together: per session (one patron typing too fast) and per client
 * address (many sessions from one place). A refused message is not recorded; the widget keeps its
 * text and says when to try again. If Redis does not answer, the message is let through (the
 * relay's per-sender limit still applies, after the message is logged).
 */
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export class WidgetLimits {
  private readonly bySession: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, limits: { perSession: number; perAddress: number }) {
    // Not ready (an outage): refused at once instead of queued, and so let through (take()).
    const common = { storeClient: redis, duration: 60, rejectIfRedisNotReady: true };
    this.bySession = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:webchat:rate:session`,
      points: limits.perSession,
    });
    this.byAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:webchat:rate:addr`,
      points: limits.perAddress,
    });
  }

  /** 0 when the message may go, else the milliseconds to wait. The session is charged first. */
  async take(sessionId: string, address: string): Promise<number> {
    for (const [limiter, key] of [
      [this.bySession, sessionId],
      [this.byAddress, address],
    ] as const) {
      try {
        await limiter.consume(key);
      } catch (res) {
        if (res instanceof RateLimiterRes) return Math.max(res.msBeforeNext, 1);
        return 0; // Redis away: let it through
      }
    }
    return 0;
  }
}
