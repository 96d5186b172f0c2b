/**
 * The Telegram adapter: the only file that imports telegraf (its HTTP client and error types).
 *
 * Receiving. We run our own getUpdates loop instead of telegraf's launch(): telegraf confirms
 * the update offset when polling stops even if a handler failed, which would drop a message
 * that could not be recorded (database outage). Here the offset moves past a batch only after
 * every update in it was recorded; otherwise the batch is fetched again. Updates of one chat
 * are recorded in order; different chats in parallel. The webhook endpoint (web role) answers
 * 200 only after recording, and 403 when the secret token header is missing or wrong.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Telegraf, TelegramError } from "telegraf";
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from "telegraf/types";
import type { ChannelAdapter, OnInbound, WebhookRoute } from "../channel";
import type { OutboundMessage, SentReceipt } from "../../shared/envelope";
import {
  ChannelRateLimitedError,
  ChannelRejectedError,
  ChannelUnavailableError,
  errorMessage,
} from "../../shared/errors";
import { delay } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import { normaliseTelegramUpdate, updateChatKey } from "./telegram-update";

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  mode: "polling" | "webhook";
  webhookUrl?: string;
  webhookSecret?: string;
  log: Logger;
  /** long-poll timeout in seconds (Telegram allows up to 50) */
  pollTimeoutSeconds?: number;
  /** bot commands shown in Telegram's menu, per language */
  commands?: {
    id: Array<{ command: string; description: string }>;
    en: Array<{ command: string; description: string }>;
  };
}

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
const MAX_WEBHOOK_BODY = 1024 * 1024;

export class TelegramChannel implements ChannelAdapter {
  readonly name = "telegram" as const;
  private readonly bot: Telegraf;
  private readonly abort = new AbortController();
  private polling: Promise<void> | undefined;
  private receiving = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: TelegramOptions) {
    this.bot = new Telegraf(options.token, {
      telegram: { apiRoot: options.apiRoot, webhookReply: false },
    });
  }

  get ready(): boolean {
    return this.receiving && !this.abort.signal.aborted;
  }

  async start(onInbound: OnInbound): Promise<void> {
    const me = await this.bot.telegram.getMe();
    this.bot.botInfo = me;
    this.options.log.info({ username: me.username }, "telegram bot authenticated");
    await this.publishCommands();
    if (this.options.mode === "webhook") {
      await this.bot.telegram.setWebhook(this.options.webhookUrl!, {
        secret_token: this.options.webhookSecret,
      });
      this.options.log.info({ url: this.options.webhookUrl }, "telegram webhook registered");
    } else {
      await this.bot.telegram.deleteWebhook({ drop_pending_updates: false });
      this.polling = this.pollLoop(onInbound);
    }
    this.receiving = true;
  }

  webhook(onInbound: OnInbound): WebhookRoute | undefined {
    if (this.options.mode !== "webhook" || !this.options.webhookSecret) return undefined;
    const expected = Buffer.from(this.options.webhookSecret);
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
          this.options.log.warn({ err: errorMessage(err) }, "telegram webhook: unreadable body");
          return { status: 400 };
        }
        try {
          await this.receive(update, onInbound);
          return { status: 200, headers: { "content-type": "application/json" }, body: "{}" };
        } catch (err) {
          // Telegram retries a non-2xx delivery, so the update is not lost.
          this.options.log.error({ err }, "telegram webhook: could not record update");
          return { status: 500 };
        }
      },
    };
  }

  async send(message: OutboundMessage): Promise<SentReceipt> {
    const reply_markup = replyMarkup(message);
    try {
      const sent = await this.bot.telegram.sendMessage(message.chatId, message.text, {
        ...(reply_markup ? { reply_markup } : {}),
        link_preview_options: { is_disabled: true },
      });
      return { channelMessageId: String(sent.message_id) };
    } catch (err) {
      throw toChannelError(err);
    }
  }

  async deleteMessage(chatId: string, channelMessageId: string): Promise<void> {
    try {
      await this.bot.telegram.deleteMessage(chatId, Number(channelMessageId));
    } catch (err) {
      throw toChannelError(err);
    }
  }

  /** Acknowledge a button press so the patron's client stops its spinner; best effort. */
  async answerCallback(callbackId: string): Promise<void> {
    try {
      await this.bot.telegram.answerCbQuery(callbackId);
    } catch (err) {
      this.options.log.warn({ err: errorMessage(err) }, "telegram: answerCallbackQuery failed");
    }
  }

  close(): Promise<void> {
    return (this.closed ??= (async () => {
      this.abort.abort();
      this.receiving = false;
      await this.polling;
    })());
  }

  private async receive(update: unknown, onInbound: OnInbound): Promise<void> {
    const message = normaliseTelegramUpdate(update);
    if (!message) {
      this.options.log.warn(
        { updateType: Object.keys(Object(update)).filter((k) => k !== "update_id") },
        "telegram: update without a chat or user, not recorded",
      );
      return;
    }
    await onInbound(message);
    if (message.callbackId) await this.answerCallback(message.callbackId);
  }

  private async pollLoop(onInbound: OnInbound): Promise<void> {
    const signal = this.abort.signal;
    let offset = 0;
    let failures = 0;
    while (!signal.aborted) {
      let updates: unknown[];
      try {
        updates = (await this.bot.telegram.callApi(
          "getUpdates",
          { offset, timeout: this.options.pollTimeoutSeconds ?? 50 },
          { signal: signal as never },
        )) as unknown[];
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        const wait = retryDelayMs(err, failures);
        this.options.log.warn({ err: errorMessage(err), waitMs: wait }, "telegram: getUpdates failed");
        await delay(wait, signal);
        continue;
      }
      try {
        await this.receiveBatch(updates, onInbound);
        failures = 0;
        const last = updates[updates.length - 1] as { update_id?: number } | undefined;
        if (typeof last?.update_id === "number") offset = last.update_id + 1;
      } catch (err) {
        // Not confirmed: Telegram hands the same batch back; recording is idempotent.
        failures++;
        const wait = Math.min(250 * 2 ** failures, 5000);
        this.options.log.error(
          { err: errorMessage(err), waitMs: wait },
          "telegram: could not record updates",
        );
        await delay(wait, signal);
      }
    }
  }

  /** One chat's updates in order, different chats in parallel. */
  private async receiveBatch(updates: unknown[], onInbound: OnInbound): Promise<void> {
    const byChat = new Map<string, unknown[]>();
    for (const update of updates) {
      const key = updateChatKey(update);
      const list = byChat.get(key);
      if (list) list.push(update);
      else byChat.set(key, [update]);
    }
    const results = await Promise.allSettled(
      [...byChat.values()].map(async (chatUpdates) => {
        for (const update of chatUpdates) await this.receive(update, onInbound);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  private async publishCommands(): Promise<void> {
    const commands = this.options.commands;
    if (!commands) return;
    try {
      await this.bot.telegram.setMyCommands(commands.id);
      await this.bot.telegram.setMyCommands(commands.en, { language_code: "en" });
    } catch (err) {
      this.options.log.warn({ err: errorMessage(err) }, "telegram: setMyCommands failed (menu not updated)");
    }
  }
}

function replyMarkup(
  message: OutboundMessage,
): InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | undefined {
  if (message.buttons?.length) {
    return {
      inline_keyboard: message.buttons.map((row) =>
        // Telegram allows 64 bytes of callback data; ours are short commands.
        row.map((b) => ({ text: b.text, callback_data: b.data.slice(0, 64) })),
      ),
    };
  }
  if (message.requestContact) {
    return {
      keyboard: [[{ text: message.requestContact, request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  if (message.removeKeyboard) return { remove_keyboard: true };
  return undefined;
}

/** telegraf's errors → ours: 429 → rate limited; other 4xx → rejected for good; the rest → try again. */
export function toChannelError(err: unknown): Error {
  if (err instanceof TelegramError) {
    if (err.code === 429) {
      const seconds = err.parameters?.retry_after ?? 1;
      return new ChannelRateLimitedError(seconds * 1000, err.description);
    }
    if (err.code >= 400 && err.code < 500) return new ChannelRejectedError(err.code, err.description);
    return new ChannelUnavailableError(`telegram ${err.code}: ${err.description}`, { cause: err });
  }
  return new ChannelUnavailableError(`telegram unreachable: ${errorMessage(err)}`, { cause: err });
}

function retryDelayMs(err: unknown, failures: number): number {
  if (err instanceof TelegramError && err.code === 429) return (err.parameters?.retry_after ?? 1) * 1000;
  return Math.min(500 * 2 ** (failures - 1), 10_000);
}
