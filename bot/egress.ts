/**
 * Egress hop: drain a conversation's queued replies, in sequence order, through its channel.
 *
 * One drain per conversation runs at a time (queue deduplication), so replies keep their order
 * also across retries. Should two runs meet anyway (a job that lost its lock: Redis restarted, the
 * event loop blocked longer than the lock, a long 429 wait), each reply is claimed in PostgreSQL
 * before it is sent (message-log.ts claimNextOutbound), so it is sent by one run only. A claim is
 * a column on the row rather than an advisory lock: no database connection is held across the
 * channel's HTTP call, and a claim survives a Redis restart. Limits: a bot-wide rate (Telegram ~30 msg/s) shared by every bot process
 * through Redis; a 429 is honoured by waiting `retry_after` inside the job — no attempt is used
 * and the reply is neither lost nor sent twice (a 429 means Telegram did not deliver it).
 * A permanent refusal marks the reply failed with its reason (visible to librarians) and the
 * drain goes on; a transient failure is counted on the reply and throws (the job is retried with
 * backoff) until the cap, then the reply is failed with its reason and the drain goes on.
 */
import { setMaxListeners } from "node:events";
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { ChannelAdapter, ChannelCapabilities } from "./channel";
import { withNumberedButtons } from "../shared/buttons";
import { ChannelRateLimitedError, ChannelRejectedError, errorMessage } from "../shared/errors";
import { delay, once } from "../shared/lifecycle";
import type { Logger } from "../shared/logger";
import type { OutboundAttachment, OutboundMessage } from "../shared/envelope";
import type { MediaStore } from "../shared/media/store";
import type { MessageLog } from "../shared/log/message-log";
import { hopMetrics } from "../shared/metrics/events";
import type { QueuedOutbound } from "../shared/log/records";
import { outboundQueueName, type DrainJob, WORKER_LOCKS } from "../shared/queues";

export interface EgressOptions {
  adapter: ChannelAdapter;
  /** what the channel can show; without buttons they become a numbered list (default: everything) */
  capabilities?: ChannelCapabilities;
  messageLog: MessageLog;
  /** where a reply's attachment is loaded from (absent: replies with a file are failed) */
  media?: MediaStore;
  redis: Redis;
  prefix: string;
  logger: Logger;
  maxPerSecond: number;
  /** the window maxPerSecond counts in, in seconds (default 1; WhatsApp's is a minute) */
  perSeconds?: number;
  concurrency?: number;
  /** longest 429 wait honoured inside a job before handing the job back for later */
  maxInJobWaitMs?: number;
  /** transient send failures of one reply before it is marked failed (default 5) */
  maxSendAttempts?: number;
  /** a claim on a reply older than this belongs to a run that died and is taken over (default 30 s: a send takes well under that) */
  claimStaleMs?: number;
  /** told after a reply is marked sent or failed (the console shows delivery status); must not throw */
  onStatus?: (update: {
    conversationId: number;
    messageId: string;
    status: "sent" | "failed";
    error?: string;
  }) => Promise<void>;
}

export class Egress {
  private worker: Worker<DrainJob> | undefined;
  private readonly abort = new AbortController();
  private readonly limiter: RateLimiterRedis;
  private readonly maxSendAttempts: number;
  private readonly claimStaleMs: number;

  constructor(private readonly options: EgressOptions) {
    // Every running drain may wait on this one shutdown signal at once (rate-limited, retrying):
    // as many listeners as drains, each removed when its wait ends — not a leak to warn about.
    setMaxListeners((options.concurrency ?? 20) * 2 + 10, this.abort.signal);
    this.maxSendAttempts = options.maxSendAttempts ?? 5;
    this.claimStaleMs = options.claimStaleMs ?? 30_000;
    this.limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}:rate:${options.adapter.name}`,
      points: options.maxPerSecond,
      duration: options.perSeconds ?? 1,
    });
  }

  get ready(): boolean {
    return !!this.worker?.isRunning();
  }

  async start(): Promise<void> {
    this.worker = new Worker<DrainJob>(
      outboundQueueName(this.options.adapter.name),
      (job) => this.drain(job),
      {
        connection: this.options.redis,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency ?? 20,
        ...WORKER_LOCKS,
      },
    );
    this.worker.on("failed", (job, err) =>
      this.options.logger.warn(
        { conversationId: job?.data.conversationId, err: err.message },
        "egress drain failed",
      ),
    );
    this.worker.on("error", (err) => this.options.logger.error({ err: err.message }, "egress worker error"));
    hopMetrics.watchWorker(this.worker, outboundQueueName(this.options.adapter.name));
    await this.worker.waitUntilReady();
  }

  readonly close = once(async () => {
    this.abort.abort();
    await this.worker?.close();
  });

  private async drain(job: Job<DrainJob>): Promise<number> {
    const { messageLog, adapter } = this.options;
    const { conversationId } = job.data;
    let sent = 0;
    // The next reply, already claimed by the statement that marked the previous one sent.
    let carried: QueuedOutbound | null | undefined;
    for (;;) {
      if (this.abort.signal.aborted) {
        if (carried) await messageLog.releaseOutbound(carried.id).catch(() => undefined);
        throw new Error("egress closing; the drain resumes on restart");
      }
      // Claimed, not just read: a second run of this drain (a job that lost its lock) finds the
      // claim and stops, instead of sending the same reply again.
      const reply =
        carried !== undefined
          ? carried
          : await messageLog.claimNextOutbound(conversationId, this.claimStaleMs);
      carried = undefined;
      if (!reply) return sent;
      // The correlation id: the inbound message this answers (a librarian's own message: the reply's id).
      const logger = this.options.logger.child({ correlationId: reply.inReplyTo ?? reply.id });
      try {
        await this.takeToken();
        if (reply.kind === "delete") {
          if (!adapter.deleteMessage || !reply.target || this.options.capabilities?.deleteMessage === false) {
            await messageLog.markFailed(reply.id, `${adapter.name} cannot delete messages`);
            continue;
          }
          await adapter.deleteMessage(reply.chatId, reply.target);
          await messageLog.markSent(reply.id, reply.target);
          continue;
        }
        const attachment = reply.attachment ? await this.attachmentFor(reply.attachment) : undefined;
        if (typeof attachment === "string") {
          // Cannot be sent as written: failed with the reason, never sent without its file.
          await messageLog.markFailed(reply.id, attachment);
          hopMetrics.send(adapter.name, "failed");
          await this.options.onStatus?.({
            conversationId,
            messageId: reply.id,
            status: "failed",
            error: attachment,
          });
          continue;
        }
        const receipt = await adapter.send({
          ...this.forChannel(reply),
          ...(attachment ? { attachment } : {}),
        });
        // Delivered: from here on, resending would duplicate it, so the status write is retried
        // (a database outage) rather than failing the drain.
        // Marked sent together with the claim of the next reply: one round trip, not two.
        carried = await this.untilDone(() =>
          messageLog.markSentAndClaimNext(
            reply.id,
            receipt.channelMessageId,
            conversationId,
            this.claimStaleMs,
          ),
        );
        hopMetrics.send(adapter.name, "sent", reply);
        logger.debug({ messageId: reply.id, conversationId }, "egress: sent");
        await this.options.onStatus?.({ conversationId, messageId: reply.id, status: "sent" });
        sent++;
      } catch (err) {
        // Failed after the reply was marked sent (a status hook): the next one's claim is given
        // back, so a retried drain takes it at once rather than after the claim goes stale.
        if (carried) {
          await messageLog.releaseOutbound(carried.id).catch(() => undefined);
          carried = undefined;
        }
        if (err instanceof ChannelRateLimitedError) {
          // Not delivered: give the claim back while waiting, so no claim outlives its run's interest.
          await messageLog.releaseOutbound(reply.id);
          hopMetrics.rateLimited(adapter.name);
          const wait = err.retryAfterMs;
          if (wait > (this.options.maxInJobWaitMs ?? 60_000)) throw err;
          logger.warn({ conversationId, waitMs: wait }, "egress: rate limited by channel");
          await delay(wait, this.abort.signal);
          continue; // the same reply again: it is still queued
        }
        if (err instanceof ChannelRejectedError) {
          logger.warn(
            { messageId: reply.id, status: err.status, reason: err.message },
            "egress: reply refused",
          );
          await messageLog.markFailed(reply.id, `${err.status}: ${err.message}`);
          hopMetrics.send(adapter.name, "failed");
          await this.options.onStatus?.({
            conversationId,
            messageId: reply.id,
            status: "failed",
            error: `${err.status}: ${err.message}`,
          });
          continue;
        }
        if (this.abort.signal.aborted) {
          // Shutting down is not the reply's failure: hand it back for the next start.
          await messageLog.releaseOutbound(reply.id).catch(() => undefined);
          throw err;
        }
        // Transient (5xx, network): counted on the reply; at the cap it fails visibly
        // and the drain goes on with the next reply instead of blocking the conversation for ever.
        const status = await messageLog
          .recordSendFailure(reply.id, errorMessage(err), this.maxSendAttempts)
          .catch(() => null); // the database is away too: the claim goes stale and the reply is retried
        hopMetrics.send(adapter.name, status === "failed" ? "failed" : "retry");
        if (status === "failed") {
          logger.warn({ messageId: reply.id, err: errorMessage(err) }, "egress: reply failed after retries");
          await this.options.onStatus?.({
            conversationId,
            messageId: reply.id,
            status: "failed",
            error: `gave up after ${this.maxSendAttempts} attempts: ${errorMessage(err)}`,
          });
          continue;
        }
        throw err;
      }
    }
  }

  /** The reply as this channel can show it: buttons as numbered lines where it has none. */
  private forChannel(reply: QueuedOutbound): OutboundMessage {
    const can = this.options.capabilities;
    const numbered = !!reply.buttons?.length && can?.buttons === false;
    return {
      channel: reply.channel,
      logId: reply.id,
      chatId: reply.chatId,
      text: numbered ? withNumberedButtons(reply.text, reply.buttons!) : reply.text,
      ...(reply.buttons && !numbered ? { buttons: reply.buttons } : {}),
      ...(reply.requestContact && can?.requestContact !== false
        ? { requestContact: reply.requestContact }
        : {}),
      ...(reply.removeKeyboard ? { removeKeyboard: true } : {}),
    };
  }

  /**
   * The reply's file as this channel takes it: with its bytes (hash checked) for "upload",
   * without for "link"; or why it cannot be sent. A database outage throws (the drain is retried).
   */
  private async attachmentFor(file: Omit<OutboundAttachment, "bytes">): Promise<OutboundAttachment | string> {
    const how = this.options.capabilities?.attachments;
    if (!how) return `${this.options.adapter.name} cannot send files`;
    if (how === "link") return { ...file };
    if (!this.options.media) return "no media store is configured to load the attachment from";
    try {
      const loaded = await this.options.media.load(file.mediaId);
      if (!loaded) return `attachment ${file.mediaId} does not exist`;
      return { ...file, bytes: loaded.bytes };
    } catch (err) {
      if ((err as { code?: unknown }).code === "MEDIA_UNREADABLE") return errorMessage(err);
      throw err;
    }
  }

  private async untilDone<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (this.abort.signal.aborted) throw err;
        this.options.logger.error(
          { err: errorMessage(err), attempt },
          "egress: cannot record a delivery, retrying",
        );
        await delay(Math.min(100 * 2 ** attempt, 5000), this.abort.signal);
      }
    }
  }

  /** One token of the bot-wide rate, waiting for the next free slot when it is spent. */
  private async takeToken(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const waitMs = await this.limiter.consume("all").then(
        () => 0,
        (res: unknown) => {
          if (res instanceof RateLimiterRes) return Math.max(res.msBeforeNext, 5);
          throw res; // Redis unreachable: fail the drain, BullMQ retries it
        },
      );
      if (waitMs === 0) return;
      await delay(waitMs, this.abort.signal);
    }
    throw new Error("egress closing; the drain resumes on restart");
  }
}
