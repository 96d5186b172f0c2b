/**
 * Per-sender limits on what a patron may make the relay do, shared by every relay process
 * through Redis (rate-limiter-flexible): messages answered per minute (a few flooding accounts
 * must not use up the bot-wide send rate for everyone) and librarian requests per 10 minutes
 * (a /pustakawan–/selesai loop must not spam the waiting queue and its sound).
 *
 * Messages over the limit are still recorded and marked handled (the log keeps everything);
 * they are just not answered, except for one polite notice per window. When Redis does not
 * answer in time the message is let through: a limiter outage must not silence the bot.
 */
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { withTimeout } from "../shared/lifecycle";

export type LimitVerdict = "allowed" | "first_refusal" | "refused";

export class SenderLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    keyPrefix: string,
    private readonly points: number,
    durationSeconds: number,
    private readonly timeoutMs = 2000,
  ) {
    this.limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: durationSeconds });
  }

  /** Count one use by `sender`; "first_refusal" is the first use over the limit in its window. */
  async consume(sender: string): Promise<LimitVerdict> {
    try {
      await withTimeout(this.limiter.consume(sender), this.timeoutMs, "sender limit (Redis)");
      return "allowed";
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) return "allowed";
      return res.consumedPoints === this.points + 1 ? "first_refusal" : "refused";
    }
  }
}

export interface SenderLimits {
  /** messages a sender may have answered per minute */
  messages: SenderLimit;
  /** librarian requests a sender may make per 10 minutes */
  handoffs: SenderLimit;
}

export function senderLimits(
  redis: Redis,
  prefix: string,
  options: { messagesPerMinute: number; handoffsPer10Min: number },
): SenderLimits {
  return {
    messages: new SenderLimit(redis, `${prefix}:sender-msg`, options.messagesPerMinute, 60),
    handoffs: new SenderLimit(redis, `${prefix}:sender-handoff`, options.handoffsPer10Min, 600),
  };
}

/** The key a limit counts under: the channel's sender id, else the chat. */
export function senderKey(message: { channel: string; senderId: string; chatId: string }): string {
  return `${message.channel}:${message.senderId || `chat:${message.chatId}`}`;
}
