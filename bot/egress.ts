/**
 * Egress hop: drain a conversation's queued replies, in sequence order, through its channel.
 *
 * One drain per conversation runs at a time (queue deduplication), so replies keep their order
 * also across retries. Should two runs meet anyway (a job that lost its lock: Redis restarted, the
 * event loop blocked longer than the lock, a long 429 wait), each reply is claimed in PostgreSQL
 * before it is sent (message-log.ts claimNextOutbound), so it is sent by one run only. A claim is
 * a column on the row rather than an advisory lock: no database connection is held across the
 * channel's HTTP call, and a claim survives a Redis restart.
 *
 * Limits (send-pacing.ts, shared by every bot process through Redis): a channel-wide rate
 * (Telegram ~30 msg/s) and, where the channel has one, a rate per chat (Telegram ~1 msg/s after a
 * short burst). A reply that may go within IN_JOB_WAIT_MS waits in its drain; one that must wait
 * longer gives its claim back and its drain job is moved to BullMQ's delayed set until then, so
 * one chat's pacing never holds a worker slot the other chats need. A 429 holds both limits off for
 * its `retry_after` (every process sees it, so the others do not ask in vain) and is then waited
 * out the same way — no attempt is used, and the reply is neither lost nor sent twice (a 429 means
 * the channel did not deliver it).
 * A permanent refusal marks the reply failed with its reason (visible to librarians) and the
 * drain goes on; a transient failure is counted on the reply and throws (the job is retried with
 * backoff) until the cap, then the reply is failed with its reason and the drain goes on.
 */
import { setMaxListeners } from "node:events";
import { DelayedError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelAdapter, ChannelCapabilities } from "./channel";
import { SendPacer, type PacedLimit, type PaceRate } from "./send-pacing";
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
  /** sends at once at the channel-wide rate (default 1: evenly spaced) */
  burst?: number;
  /** the rate per chat, where the channel has one (Telegram) */
  perChat?: PaceRate;
  concurrency?: number;
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

/** A reply that may be sent within this long waits in its drain; a longer wait frees the slot. */
export const IN_JOB_WAIT_MS = 250;

export class Egress {
  private worker: Worker<DrainJob> | undefined;
  private readonly abort = new AbortController();
  private readonly pacer: SendPacer;
  private readonly channelLimit: PacedLimit;
  private readonly maxSendAttempts: number;
  private readonly claimStaleMs: number;

  constructor(private readonly options: EgressOptions) {
    // Every running drain may wait on this one shutdown signal at once (rate-limited, retrying):
    // as many listeners as drains, each removed when its wait ends — not a leak to warn about.
    setMaxListeners((options.concurrency ?? 20) * 2 + 10, this.abort.signal);
    this.maxSendAttempts = options.maxSendAttempts ?? 5;
    this.claimStaleMs = options.claimStaleMs ?? 30_000;
    this.pacer = new SendPacer(options.redis);
    this.channelLimit = {
      key: `${options.prefix}:pace:${options.adapter.name}`,
      rate: { perSecond: options.maxPerSecond / (options.perSeconds ?? 1), burst: options.burst ?? 1 },
    };
  }

  get ready(): boolean {
    return !!this.worker?.isRunning();
  }

  async start(): Promise<void> {
    this.worker = new Worker<DrainJob>(
      outboundQueueName(this.options.adapter.name),
      (job, token) => this.drain(job, token),
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

  private async drain(job: Job<DrainJob>, token: string | undefined): Promise<number> {
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
      const limits = this.limitsFor(reply.chatId);
      await this.pace(job, token, reply, limits);
      try {
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
          // Not delivered. The channel does not say whether the wait is the chat's or the bot's:
          // both are held off, so no drain in any process asks again before it is over.
          hopMetrics.rateLimited(adapter.name);
          logger.warn({ conversationId, waitMs: err.retryAfterMs }, "egress: rate limited by channel");
          await this.pacer.holdOff(limits, err.retryAfterMs);
          await messageLog.releaseOutbound(reply.id);
          continue; // the same reply again (it is still queued), paced past the wait
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

  private limitsFor(chatId: string): PacedLimit[] {
    const perChat = this.options.perChat;
    if (!perChat) return [this.channelLimit];
    return [this.channelLimit, { key: `${this.channelLimit.key}:chat:${chatId}`, rate: perChat }];
  }

  /**
   * Until the claimed reply may be sent under every limit: a short wait here; a longer one gives
   * the claim back and moves the drain job to the delayed set for that long (the worker slot is
   * free meanwhile; no attempt is used). Redis unreachable: the claim is given back and the drain
   * fails, BullMQ retries it (not counted on the reply: nothing was sent).
   */
  private async pace(
    job: Job<DrainJob>,
    token: string | undefined,
    reply: QueuedOutbound,
    limits: readonly PacedLimit[],
  ): Promise<void> {
    let laterMs: number;
    try {
      for (;;) {
        const slot = await this.pacer.reserve(limits, IN_JOB_WAIT_MS);
        laterMs = slot.waitMs;
        if (slot.waitMs > IN_JOB_WAIT_MS) break;
        if (slot.waitMs > 0) await delay(slot.waitMs, this.abort.signal);
        if (!slot.reserved) continue; // the chat allows a send by now: book it
        // Booked ahead, and a 429 held the channel off meanwhile: wait that out too.
        laterMs = slot.waitMs > 0 ? await this.pacer.heldFor(limits) : 0;
        if (laterMs === 0) return;
        break;
      }
      hopMetrics.paced(this.options.adapter.name);
      await this.options.messageLog.releaseOutbound(reply.id);
      await job.moveToDelayed(Date.now() + laterMs, token);
    } catch (err) {
      await this.options.messageLog.releaseOutbound(reply.id).catch(() => undefined);
      throw err;
    }
    throw new DelayedError(`paced: the next send to this chat is due in ${laterMs} ms`);
  }
}
