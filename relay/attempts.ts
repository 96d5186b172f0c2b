/**
 * Limits OPAC-password attempts (and member-ID guesses), shared by every relay process through
 * Redis (rate-limiter-flexible). SLiMS itself has no lockout; we add one so the chat cannot be
 * used to guess passwords.
 *
 * Consume first, refund on success: an attempt takes its point on every key *before* the
 * password is checked (one atomic increment per key in Redis), so attempts running in parallel
 * (many chats against one member) can never pass a check together and multiply the limit.
 *
 * Two limits: a chat and a sender identity get `perChat` an hour (LINK_MAX_ATTEMPTS_PER_HOUR),
 * a member `MEMBER_FACTOR` times as many. So one chat guessing at a member locks out itself, not
 * the member; only guesses from many chats lock the member's own linking for the hour.
 */
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** A member may be tried this many times as often as one chat, per hour. */
export const MEMBER_FACTOR = 4;

const HOUR_SECONDS = 3600;

/** What one attempt counts against: the chat and the sender (per-chat limit), the member (wider). */
export interface AttemptKeys {
  chat: string[];
  member?: string;
}

export type Attempt =
  | {
      allowed: true;
      /** attempts left after this one (the smallest over the keys) */
      left: number;
      /** attempts left on the member key after this one (Infinity without one) */
      memberLeft: number;
    }
  | { allowed: false; /** until the earliest next attempt */ waitMs: number; memberLocked: boolean };

export class AttemptLimiter {
  private readonly perChatLimiter: RateLimiterRedis;
  private readonly perMemberLimiter: RateLimiterRedis;
  readonly perMember: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly perChat: number,
  ) {
    this.perMember = perChat * MEMBER_FACTOR;
    const common = { storeClient: redis, duration: HOUR_SECONDS };
    this.perChatLimiter = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:attempts`,
      points: perChat,
    });
    this.perMemberLimiter = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:attempts-member`,
      points: this.perMember,
    });
  }

  /**
   * Take one attempt on every key, atomically per key. Refused when any key is over its limit;
   * a refused attempt gives its points back, so being refused costs nothing more.
   */
  async consume(keys: AttemptKeys): Promise<Attempt> {
    const taken = await Promise.all(
      this.each(keys).map(async ([limiter, key]) => ({
        limiter,
        key,
        res: await limiter.consume(key).then(
          (res) => ({ res, over: false }),
          (res: unknown) => {
            if (res instanceof RateLimiterRes) return { res, over: true };
            throw res;
          },
        ),
      })),
    );
    const over = taken.filter((t) => t.res.over);
    if (over.length === 0) {
      const member = taken.find((t) => t.limiter === this.perMemberLimiter);
      return {
        allowed: true,
        left: Math.max(0, Math.min(...taken.map((t) => t.res.res.remainingPoints))),
        memberLeft: member ? member.res.res.remainingPoints : Infinity,
      };
    }
    await Promise.all(taken.map((t) => t.limiter.reward(t.key, 1)));
    return {
      allowed: false,
      waitMs: Math.max(...over.map((t) => t.res.res.msBeforeNext)),
      memberLocked: over.some((t) => t.limiter === this.perMemberLimiter),
    };
  }

  /** Give back the point an attempt took (it succeeded, or it turned out not to be a guess). */
  async refund(keys: AttemptKeys): Promise<void> {
    await Promise.all(this.each(keys).map(([limiter, key]) => limiter.reward(key, 1)));
  }

  /** Forgive the failed attempts counted against these chat keys (the right password was given). */
  async resetChats(chatKeys: string[]): Promise<void> {
    await Promise.all(chatKeys.map((key) => this.perChatLimiter.delete(key)));
  }

  /**
   * True once per lockout window of a member: the moment to tell the member (on a channel they
   * linked) that their account is being guessed at. Later calls in the same hour say false.
   */
  async firstAlertOfWindow(memberId: string): Promise<boolean> {
    const set = await this.redis.set(
      `${this.prefix}:attempts-alert:${memberId}`,
      "1",
      "EX",
      HOUR_SECONDS,
      "NX",
    );
    return set === "OK";
  }

  private each(keys: AttemptKeys): Array<[RateLimiterRedis, string]> {
    return [
      ...keys.chat.map((key): [RateLimiterRedis, string] => [this.perChatLimiter, key]),
      ...(keys.member ? [[this.perMemberLimiter, keys.member] as [RateLimiterRedis, string]] : []),
    ];
  }
}
