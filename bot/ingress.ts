/**
 * Ingress hop: an adapter's InboundMessage → a row in the message log → a drain request for its
 * conversation on the inbound queue. The row is written before the adapter acknowledges the
 * update to the channel, so an update is either recorded or delivered again.
 *
 * Two kinds of failure, told apart by PostgreSQL's error class:
 * - the database is unreachable or busy (anything else): waited out here with backoff, for as
 *   long as it takes, so the adapter stops taking updates instead of dropping them;
 * - the database refuses this row (class 22 data exception, 23 integrity other than a unique
 *   race, 54 program limit): retrying cannot help, so after `refusedTries` the update goes to the
 *   dead-letter table with its raw payload and the updates behind it flow.
 * `problem()` says when one update has been retried longer than `stuckAfterMs` (/healthz "intake").
 * A file that came with the message (InboundMessage.media) is stored first, in the same retry.
 * A Redis outage is not waited out: the row is safe in PostgreSQL and the relay's sweeper
 * requests the drain later.
 */
import type { OnInbound } from "./channel";
import type { InboundMessage } from "../shared/envelope";
import { withStoredMedia } from "../shared/media/inbound";
import type { MediaStore } from "../shared/media/store";
import { AppError, errorMessage } from "../shared/errors";
import { delay, withTimeout } from "../shared/lifecycle";
import type { Logger } from "../shared/logger";
import { type DeadLetters, rawPayload } from "../shared/log/dead-letters";
import type { MessageLog } from "../shared/log/message-log";
import { hopMetrics } from "../shared/metrics/events";
import type { RecordedInbound } from "../shared/log/records";
import type { DrainRequests } from "../shared/queues";
import type { SecretBox } from "../shared/secret-box";

export interface IngressOptions {
  messageLog: MessageLog;
  deadLetters: DeadLetters;
  drains: DrainRequests;
  /** holds a typed password for the relay; the log only gets a redaction marker */
  secrets: SecretBox;
  /** keeps the files of photos, documents, voice notes (InboundMessage.media) before their row is written */
  media?: MediaStore;
  logger: Logger;
  /** aborted on shutdown: stop waiting for the database and let the channel redeliver */
  signal: AbortSignal;
  enqueueTimeoutMs?: number;
  /** tries of a row the database refuses before it is dead-lettered (default 3) */
  refusedTries?: number;
  /** one update retried longer than this makes /healthz fail "intake" (default 60 s) */
  stuckAfterMs?: number;
}

export interface Ingress extends OnInbound {
  /** why intake is not healthy (an update retried for too long), or null */
  problem(): string | null;
}

/** PostgreSQL refuses this row itself: retrying the same values cannot succeed. */
export function isRefusedRow(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || code.length !== 5) return false;
  // 23505 is a unique race (two writers of one patron or conversation): the next try succeeds.
  if (code === "23505") return false;
  return code.startsWith("22") || code.startsWith("23") || code.startsWith("54");
}

export function createIngress(options: IngressOptions): Ingress {
  const { messageLog, deadLetters, drains, logger, signal } = options;
  const refusedTries = options.refusedTries ?? 3;
  const stuckAfterMs = options.stuckAfterMs ?? 60_000;
  /** first-failure times of the updates being retried now */
  const retrying = new Set<{ since: number }>();

  /** The row, or null once the update is dead-lettered. Throws only on shutdown. */
  const record = async (message: InboundMessage, raw: unknown): Promise<RecordedInbound | null> => {
    let refused = 0;
    let retry: { since: number } | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          // The file first, so the row names it (meta.media); storing is idempotent, so a retry or a
          // redelivery keeps one copy.
          const storable = options.media ? await withStoredMedia(options.media, message) : message;
          return await messageLog.recordInbound(storable);
        } catch (err) {
          if (signal.aborted)
            throw new AppError("SHUTTING_DOWN", "shutting down before the message was recorded");
          if (!retry) retrying.add((retry = { since: Date.now() }));
          if (isRefusedRow(err) && ++refused >= refusedTries) {
            try {
              await deadLetters.record({
                channel: message.channel,
                channelKey: message.key,
                reason: "refused",
                error: `${String((err as { code?: unknown }).code)}: ${errorMessage(err)}`,
                payload: rawPayload(raw ?? message),
                attempts: attempt,
              });
              logger.error(
                { err: errorMessage(err), key: message.key, attempts: attempt },
                "ingress: the database refuses this update; dead-lettered",
              );
              return null;
            } catch (deadLetterErr) {
              // The database went away meanwhile: keep waiting, never drop.
              logger.error({ err: errorMessage(deadLetterErr) }, "ingress: cannot dead-letter, retrying");
            }
          }
          const wait = Math.min(100 * 2 ** attempt, 5000);
          logger.error(
            { err: errorMessage(err), attempt, waitMs: wait },
            "ingress: cannot record message, retrying",
          );
          await delay(wait, signal);
        }
      }
    } finally {
      if (retry) retrying.delete(retry);
    }
  };

  const receive = async (message: InboundMessage, raw?: unknown): Promise<void> => {
    const recorded = await record(message, raw);
    if (!recorded) return;
    hopMetrics.recorded(message.channel, recorded.duplicate);
    // The correlation id: the inbound row's id, which the relay and egress log too (from the row).
    const log = logger.child({ correlationId: recorded.messageId });
    log.debug(
      {
        conversationId: recorded.conversationId,
        seq: recorded.seq,
        kind: message.kind,
        duplicate: recorded.duplicate,
      },
      "ingress: recorded",
    );
    if (recorded.redacted && message.text) {
      try {
        await withTimeout(options.secrets.put(recorded.messageId, message.text), 3000, "store secret");
      } catch (err) {
        // The relay then asks the patron to type it again; the secret is never logged.
        log.warn({ err: errorMessage(err) }, "ingress: could not hold a secret for the relay");
      }
    }
    try {
      await withTimeout(
        drains.request(recorded.conversationId),
        options.enqueueTimeoutMs ?? 3000,
        "enqueue drain",
      );
    } catch (err) {
      log.warn(
        { err: errorMessage(err), conversationId: recorded.conversationId },
        "ingress: drain request failed; the sweeper will retry",
      );
    }
  };

  return Object.assign(receive, {
    /** An update that is no message: kept; a database outage rejects, so the channel redelivers. */
    unreadable: async (update: Parameters<NonNullable<OnInbound["unreadable"]>>[0]) => {
      await deadLetters.record({
        channel: update.channel,
        channelKey: update.key,
        reason: "unreadable" as const,
        error: update.why,
        payload: rawPayload(update.raw),
        attempts: 1,
      });
      logger.warn({ key: update.key, why: update.why }, "ingress: unreadable update dead-lettered");
    },
    problem: (): string | null => {
      let oldest = Infinity;
      for (const r of retrying) oldest = Math.min(oldest, r.since);
      const forMs = Date.now() - oldest;
      return forMs > stuckAfterMs
        ? `stuck: one update has not been recorded for ${Math.round(forMs / 1000)} s`
        : null;
    },
  });
}
