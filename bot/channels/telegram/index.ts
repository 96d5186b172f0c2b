/**
 * The Telegram channel as the registry knows it. The folder is the only place that imports
 * telegraf: adapter.ts (start/send/close), poller.ts (getUpdates loop), webhook.ts (the web
 * role's endpoint), send.ts (reply markup and errors), update.ts (update → InboundMessage),
 * media.ts (a patron's file, fetched at intake).
 */
import type { ChannelDescriptor } from "../../channel";
import { TelegramChannel } from "./adapter";
import { telegramEnvSchema, telegramFromEnv, type TelegramConfig } from "./config";

export { TelegramChannel, type TelegramOptions } from "./adapter";
export type { TelegramConfig } from "./config";
export { toChannelError } from "./send";
export { normaliseTelegramUpdate } from "./update";
export { TELEGRAM_WEBHOOK_PATH } from "./webhook";

export const telegram: ChannelDescriptor<TelegramConfig, typeof telegramEnvSchema> = {
  name: "telegram",
  schema: telegramEnvSchema,
  fromEnv: telegramFromEnv,
  capabilities: { buttons: true, requestContact: true, deleteMessage: true, attachments: "upload" },
  howToEnable: "set TELEGRAM_BOT_TOKEN to connect Telegram",
  sendRate: (config) => ({
    maxPerSecond: config.maxPerSecond,
    perChat: { perSecond: config.chatMaxPerSecond, burst: config.chatBurst },
  }),
  create: (config, deps) =>
    new TelegramChannel({
      ...config,
      logger: deps.logger,
      ...(deps.commands ? { commands: deps.commands } : {}),
      ...(deps.pollTimeoutSeconds ? { pollTimeoutSeconds: deps.pollTimeoutSeconds } : {}),
      ...(deps.mediaMaxBytes ? { mediaMaxBytes: deps.mediaMaxBytes } : {}),
    }),
};
