/**
 * Telegram's own environment variables (README, Configuration). The channel is configured when
 * TELEGRAM_BOT_TOKEN is set; webhook mode then needs the public URL and the secret.
 */
import { z } from "zod";
import { blankToUndefined, intInRange, optional, urlWithProtocols } from "../../../shared/channel-config";

export const telegramEnvSchema = z
  .object({
    TELEGRAM_BOT_TOKEN: optional(
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]+$/, { message: "must look like 123456:ABC-DEF… (from @BotFather)" }),
    ),
    TELEGRAM_API_ROOT: z.preprocess(
      blankToUndefined,
      urlWithProtocols(["http:", "https:"]).default("https://api.telegram.org"),
    ),
    TELEGRAM_MODE: z.preprocess(
      blankToUndefined,
      z.enum(["polling", "webhook"], { message: "must be polling or webhook" }).default("polling"),
    ),
    TELEGRAM_WEBHOOK_URL: optional(urlWithProtocols(["http:", "https:"])),
    TELEGRAM_WEBHOOK_SECRET: optional(
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, {
        message: "must be 16–256 characters of A-Z, a-z, 0-9, _ and -",
      }),
    ),
    TELEGRAM_MAX_PER_SECOND: intInRange(1, 10000, 30),
    // Telegram: "avoid sending more than one message per second" in one chat, short bursts allowed.
    TELEGRAM_CHAT_MAX_PER_SECOND: intInRange(1, 10000, 1),
    TELEGRAM_CHAT_BURST: intInRange(1, 1000, 3),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_MODE === "webhook" && env.TELEGRAM_BOT_TOKEN) {
      if (!env.TELEGRAM_WEBHOOK_URL)
        ctx.addIssue({
          code: "custom",
          path: ["TELEGRAM_WEBHOOK_URL"],
          message: "is required when TELEGRAM_MODE=webhook",
        });
      if (!env.TELEGRAM_WEBHOOK_SECRET)
        ctx.addIssue({
          code: "custom",
          path: ["TELEGRAM_WEBHOOK_SECRET"],
          message: "is required when TELEGRAM_MODE=webhook",
        });
    }
  });

export interface TelegramConfig {
  readonly token: string;
  readonly apiRoot: string;
  readonly maxPerSecond: number;
  /** the pace of replies to one chat: this many a second after a burst of `chatBurst` */
  readonly chatMaxPerSecond: number;
  readonly chatBurst: number;
  readonly mode: "polling" | "webhook";
  readonly webhookUrl: string | undefined;
  readonly webhookSecret: string | undefined;
}

export function telegramFromEnv(e: z.output<typeof telegramEnvSchema>): TelegramConfig | undefined {
  if (!e.TELEGRAM_BOT_TOKEN) return undefined;
  return {
    token: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    maxPerSecond: e.TELEGRAM_MAX_PER_SECOND,
    chatMaxPerSecond: e.TELEGRAM_CHAT_MAX_PER_SECOND,
    chatBurst: e.TELEGRAM_CHAT_BURST,
    mode: e.TELEGRAM_MODE,
    webhookUrl: e.TELEGRAM_WEBHOOK_URL,
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
  };
}
