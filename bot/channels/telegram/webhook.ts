/**
 * The webhook endpoint (web role): answers 200 only after the update is recorded (Telegram
 * retries anything else, so nothing is lost), 403 when the secret token header is missing or
 * wrong, 405 for anything but POST.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookRoute } from "../../channel";
import { errorMessage } from "../../../shared/errors";
import type { Logger } from "../../../shared/logger";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
const MAX_WEBHOOK_BODY = 1024 * 1024;

export function telegramWebhookRoute(
  secret: string,
  receive: (update: unknown) => Promise<void>,
  log: Logger,
): WebhookRoute {
  const expected = Buffer.from(secret);
  return {
    path: TELEGRAM_WEBHOOK_PATH,
    handle: async (req: IncomingMessage, res: ServerResponse) => {
      const given = Buffer.from(String(req.headers["x-telegram-bot-api-secret-token"] ?? ""));
      if (req.method !== "POST" || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(req.method !== "POST" ? 405 : 403).end();
        return;
      }
      let update: unknown;
      try {
        update = JSON.parse(await readBody(req, MAX_WEBHOOK_BODY));
      } catch (err) {
        log.warn({ err: errorMessage(err) }, "telegram webhook: unreadable body");
        res.writeHead(400).end();
        return;
      }
      try {
        await receive(update);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch (err) {
        // Telegram retries a non-2xx delivery, so the update is not lost.
        log.error({ err }, "telegram webhook: could not record update");
        res.writeHead(500).end();
      }
    },
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
