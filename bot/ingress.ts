/**
 * Ingress hop: an adapter's InboundMessage → a row in the message log → a drain request for its
 * conversation on the inbound queue. The row is written before the adapter acknowledges the
 * update to the channel, so an update is either recorded or delivered again.
 *
 * A database outage is waited out here (with backoff) so the adapter stops taking updates
 * instead of dropping them; a Redis outage is not: the row is safe in PostgreSQL and the
 * relay's sweeper requests the drain later.
 */
import type { OnInbound } from "./channel";
import { AppError, errorMessage } from "../shared/errors";
import { delay, withTimeout } from "../shared/lifecycle";
import type { Logger } from "../shared/logger";
import type { MessageLog } from "../shared/log/message-log";
import type { DrainRequests } from "../shared/queues";
import type { SecretBox } from "../shared/secret-box";

export interface IngressOptions {
  messageLog: MessageLog;
  drains: DrainRequests;
  /** holds a typed password for the relay; the log only gets a redaction marker */
  secrets: SecretBox;
  logger: Logger;
  /** aborted on shutdown: stop waiting for the database and let the channel redeliver */
  signal: AbortSignal;
  enqueueTimeoutMs?: number;
}

export function createIngress(options: IngressOptions): OnInbound {
  const { messageLog, drains, logger, signal } = options;
  return async (message) => {
    let recorded;
    for (let attempt = 1; ; attempt++) {
      try {
        recorded = await messageLog.recordInbound(message);
        break;
      } catch (err) {
        if (signal.aborted)
          throw new AppError("SHUTTING_DOWN", "shutting down before the message was recorded");
        const wait = Math.min(100 * 2 ** attempt, 5000);
        logger.error(
          { err: errorMessage(err), attempt, waitMs: wait },
          "ingress: cannot record message, retrying",
        );
        await delay(wait, signal);
      }
    }
    logger.debug(
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
        logger.warn({ err: errorMessage(err) }, "ingress: could not hold a secret for the relay");
      }
    }
    try {
      await withTimeout(
        drains.request(recorded.conversationId),
        options.enqueueTimeoutMs ?? 3000,
        "enqueue drain",
      );
    } catch (err) {
      logger.warn(
        { err: errorMessage(err), conversationId: recorded.conversationId },
        "ingress: drain request failed; the sweeper will retry",
      );
    }
  };
}
