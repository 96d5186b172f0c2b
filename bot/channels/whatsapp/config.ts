/**
 * WhatsApp's own environment variables (README, "WhatsApp"). The channel is configured when
 * WHATSAPP_ENABLED=true; it then runs WhatsApp Web in the system's Chromium (puppeteer never
 * downloads a browser: .puppeteerrc.cjs) with its session kept in WHATSAPP_SESSION_DIR.
 */
import { z } from "zod";
import { blankToUndefined, booleanFlag, intInRange, optional } from "../../../shared/channel-config";

export const whatsappEnvSchema = z.object({
  WHATSAPP_ENABLED: booleanFlag(false),
  /** LocalAuth's data (the paired session): secret, never committed; .data/ is git-ignored */
  WHATSAPP_SESSION_DIR: z.preprocess(blankToUndefined, z.string().default(".data/whatsapp-session")),
  WHATSAPP_CHROMIUM_PATH: z.preprocess(blankToUndefined, z.string().default("/usr/bin/chromium")),
  /** pair by a code typed on the phone instead of scanning the QR: the bot's number, digits only */
  WHATSAPP_PAIRING_PHONE: optional(
    z.string().regex(/^\+?[1-9]\d{7,14}$/, {
      message: "must be the bot's number in international digits, e.g. 6281234567890",
    }),
  ),
  /**
   * Replies a minute, across all chats. WhatsApp bans numbers that send too fast and publishes no
   * limit for WhatsApp Web; 20 a minute (one every 3 s, index.ts pacing) is a cautious human pace.
   */
  WHATSAPP_MAX_PER_MINUTE: intInRange(1, 600, 20),
});

export interface WhatsAppConfig {
  readonly sessionDir: string;
  readonly chromiumPath: string;
  /** digits only, as requestPairingCode wants them */
  readonly pairingPhone: string | undefined;
  readonly maxPerMinute: number;
}

export function whatsappFromEnv(e: z.output<typeof whatsappEnvSchema>): WhatsAppConfig | undefined {
  if (!e.WHATSAPP_ENABLED) return undefined;
  return {
    sessionDir: e.WHATSAPP_SESSION_DIR,
    chromiumPath: e.WHATSAPP_CHROMIUM_PATH,
    pairingPhone: e.WHATSAPP_PAIRING_PHONE?.replace(/^\+/, ""),
    maxPerMinute: e.WHATSAPP_MAX_PER_MINUTE,
  };
}
