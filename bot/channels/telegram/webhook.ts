/**
 * The webhook endpoint (web role, through the framework-neutral port in shared/webhook.ts):
 * answers 200 only after the update is recorded (Telegram retries anything else, so nothing is
 * lost), 403 when the secret token header is missing or wrong — checked before the body is read.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { WebhookRoute } from "../../../shared/webhook";
import { errorMessage } from "../../../shared/errors";
import type { Logger } from "../../../shared/logger";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
const MAX_WEBHOOK_BODY = 1024 * 1024;

export function telegramWebhookRoute(
  secret: string,
  receive: (update: unknown) => Promise<void>,
  logger: Logger,
): WebhookRoute {
  const expected = Buffer.from(secret);
  const authorize = (headers: IncomingHttpHeaders) => {
    const given = Buffer.from(String(headers["x-telegram-bot-api-secret-token"] ?? ""));
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return {
    path: TELEGRAM_WEBHOOK_PATH,
    maxBodyBytes: MAX_WEBHOOK_BODY,
    authorize,
    handle: async ({ headers, body }) => {
      if (!authorize(headers)) return { status: 403 };
      let update: unknown;
      try {
        update = JSON.parse(body.toString("utf8"));
      } catch (err) {
        logger.warn({ err: errorMessage(err) }, "telegram webhook: unreadable body");
        return { status: 400 };
      }
      try {
        await receive(update);
        return { status: 200, headers: { "content-type": "application/json" }, body: "{}" };
      } catch (err) {
        // Telegram retries a non-2xx delivery, so the update is not lost.
        logger.error({ err }, "telegram webhook: could not record update");
        return { status: 500 };
      }
    },
  };
}
