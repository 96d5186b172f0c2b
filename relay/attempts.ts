/**
 * Limits password attempts per chat and per member (e.g. 5 an hour each), shared by every relay
 * process through Redis (rate-limiter-flexible). SLiMS itself has no lockout; we add one so the
 * chat cannot be used to guess passwords.
 */
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export class AttemptLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    prefix: string,
    readonly maxPerHour: number,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:attempts`,
      points: maxPerHour,
      duration: 3600,
    });
  }

  /** Milliseconds until any of these keys may try again; 0 when all may. */
  async blockedFor(keys: string[]): Promise<number> {
    const states = await Promise.all(keys.map((k) => this.limiter.get(k)));
    return Math.max(0, ...states.map((s) => (s && s.consumedPoints >= this.maxPerHour ? s.msBeforeNext : 0)));
  }

  /** Count a failed attempt against every key; returns the attempts left (the smallest). */
  async fail(keys: string[]): Promise<number> {
    const results = await Promise.all(
      keys.map((k) =>
        this.limiter.consume(k).catch((res: unknown) => {
          if (res instanceof RateLimiterRes) return res;
          throw res;
        }),
      ),
    );
    return Math.max(0, Math.min(...results.map((r) => r.remainingPoints)));
  }

  async reset(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.limiter.delete(k)));
  }
}
