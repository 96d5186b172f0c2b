/**
 * The Telegram adapter (telegraf's HTTP client): authenticate, publish the command menu, then
 * receive by polling (poller.ts) or by webhook (webhook.ts, served by the web role), and send
 * (send.ts maps messages and errors).
 */
import { Input, Telegraf } from "telegraf";
import type { ChannelAdapter, CommandMenu, OnInbound } from "../../channel";
import type { WebhookRoute } from "../../../shared/webhook";
import type { InboundMessage, OutboundMessage, SentReceipt } from "../../../shared/envelope";
import { ChannelRejectedError, errorMessage } from "../../../shared/errors";
import { once } from "../../../shared/lifecycle";
import type { Logger } from "../../../shared/logger";
import { BoundedTelegram } from "./bounded-client";
import { fetchTelegramMedia } from "./media";
import { pollUpdates } from "./poller";
import { replyMarkup, toChannelError } from "./send";
import { normaliseTelegramUpdate } from "./update";
import { telegramWebhookRoute } from "./webhook";

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  mode: "polling" | "webhook";
  webhookUrl?: string | undefined;
  webhookSecret?: string | undefined;
  logger: Logger;
  /** long-poll timeout in seconds (Telegram allows up to 50) */
  pollTimeoutSeconds?: number;
  /** bound on one Bot API call, beyond a long poll's own wait (default 15 s) */
  httpTimeoutMs?: number;
  /** bot commands shown in Telegram's menu, per language */
  commands?: CommandMenu;
  /** MEDIA_MAX_BYTES: patrons' files up to this size are fetched at intake (default 10 MiB) */
  mediaMaxBytes?: number;
}

/** Telegram's longest caption; a longer reply text goes in a message of its own after the file. */
const CAPTION_LIMIT = 1024;

export class TelegramChannel implements ChannelAdapter {
  readonly name = "telegram" as const;
  private readonly bot: Telegraf;
  private readonly abort = new AbortController();
  private polling: Promise<void> | undefined;
  private receiving = false;

  constructor(private readonly options: TelegramOptions) {
    const client = { apiRoot: options.apiRoot, webhookReply: false };
    this.bot = new Telegraf(options.token, { telegram: client });
    // Every Bot API call bounded (bounded-client.ts): telegraf has no request timeout of its own.
    this.bot.telegram = new BoundedTelegram(options.token, client, options.httpTimeoutMs ?? 15_000);
  }

  get ready(): boolean {
    return this.receiving && !this.abort.signal.aborted;
  }

  async start(onInbound: OnInbound): Promise<void> {
    const me = await this.bot.telegram.getMe();
    this.bot.botInfo = me;
    this.options.logger.info({ username: me.username }, "telegram bot authenticated");
    await this.publishCommands();
    if (this.options.mode === "webhook") {
      await this.bot.telegram.setWebhook(this.options.webhookUrl!, {
        secret_token: this.options.webhookSecret,
      });
      this.options.logger.info({ url: this.options.webhookUrl }, "telegram webhook registered");
    } else {
      await this.bot.telegram.deleteWebhook({ drop_pending_updates: false });
      this.polling = pollUpdates({
        bot: this.bot,
        signal: this.abort.signal,
        timeoutSeconds: this.options.pollTimeoutSeconds ?? 50,
        logger: this.options.logger,
        receive: (update) => this.receive(update, onInbound),
      });
    }
    this.receiving = true;
  }

  webhook(onInbound: OnInbound): WebhookRoute | undefined {
    if (this.options.mode !== "webhook" || !this.options.webhookSecret) return undefined;
    return telegramWebhookRoute(
      this.options.webhookSecret,
      (update) => this.receive(update, onInbound),
      this.options.logger,
    );
  }

  async send(message: OutboundMessage): Promise<SentReceipt> {
    if (message.attachment) return this.sendFile(message);
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

  /**
   * A reply with a file: sendPhoto for images, sendDocument otherwise (a multipart upload of the
   * bytes egress loaded), the text as its caption — or, beyond Telegram's caption limit, as a
   * message right after it. The receipt is the file's message.
   */
  private async sendFile(message: OutboundMessage): Promise<SentReceipt> {
    const file = message.attachment!;
    if (!file.bytes) throw new ChannelRejectedError(400, "the attachment's bytes were not loaded");
    const reply_markup = replyMarkup(message);
    const inCaption = message.text.length <= CAPTION_LIMIT;
    const extra = {
      ...(inCaption && message.text ? { caption: message.text } : {}),
      ...(inCaption && reply_markup ? { reply_markup } : {}),
    };
    const input = Input.fromBuffer(file.bytes, file.fileName);
    try {
      const sent = file.mimeType.startsWith("image/")
        ? await this.bot.telegram.sendPhoto(message.chatId, input, extra)
        : await this.bot.telegram.sendDocument(message.chatId, input, extra);
      if (!inCaption)
        await this.bot.telegram.sendMessage(message.chatId, message.text, {
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
      this.options.logger.warn({ err: errorMessage(err) }, "telegram: answerCallbackQuery failed");
    }
  }

  readonly close = once(async () => {
    this.abort.abort();
    this.receiving = false;
    await this.polling;
  });

  private async receive(update: unknown, onInbound: OnInbound): Promise<void> {
    let message: InboundMessage | null;
    let why: string | undefined;
    const updateType = Object.keys(Object(update)).filter((k) => k !== "update_id");
    try {
      message = normaliseTelegramUpdate(update);
      if (!message) why = `no chat or sender in a ${updateType.join("+") || "empty"} update`;
    } catch (err) {
      // A shape update.ts did not expect must not freeze intake: it is kept, not retried for ever.
      message = null;
      why = `cannot read a ${updateType.join("+") || "empty"} update: ${errorMessage(err)}`;
    }
    if (!message) {
      this.options.logger.warn({ updateType, why }, "telegram: unreadable update");
      // Kept as a dead letter with its raw payload (a rejection here refetches the batch).
      const updateId = (update as { update_id?: unknown } | null)?.update_id;
      await onInbound.unreadable?.({
        channel: "telegram",
        key: typeof updateId === "number" ? `u${updateId}` : null,
        raw: update,
        why: why ?? "unreadable",
      });
      return;
    }
    const media = await fetchTelegramMedia(this.bot.telegram, message, {
      maxBytes: this.options.mediaMaxBytes ?? 10 * 1024 * 1024,
      signal: this.abort.signal,
    });
    if (media?.notStored)
      this.options.logger.warn(
        { key: message.key, kind: message.kind, why: media.notStored },
        "telegram: file not kept",
      );
    await onInbound(media ? { ...message, media } : message, update);
    if (message.callbackId) await this.answerCallback(message.callbackId);
  }

  private async publishCommands(): Promise<void> {
    const commands = this.options.commands;
    if (!commands) return;
    try {
      await this.bot.telegram.setMyCommands(commands.id);
      await this.bot.telegram.setMyCommands(commands.en, { language_code: "en" });
    } catch (err) {
      this.options.logger.warn(
        { err: errorMessage(err) },
        "telegram: setMyCommands failed (menu not updated)",
      );
    }
  }
}
