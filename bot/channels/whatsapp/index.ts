/**
 * The WhatsApp channel as the registry knows it (README, "WhatsApp"). The folder is the only
 * place that knows whatsapp-web.js: client.ts (the only import of it, behind WaClientLike),
 * adapter.ts (session, pairing, reconnects, send, acks), message.ts (message → InboundMessage),
 * media.ts (a patron's file, downloaded at intake).
 */
import type { ChannelDescriptor } from "../../channel";
import { WhatsAppChannel, type WhatsAppOptions } from "./adapter";
import { createWaClient, type WaClientLike } from "./client";
import { whatsappEnvSchema, whatsappFromEnv, type WhatsAppConfig } from "./config";

export { WhatsAppChannel } from "./adapter";
export type { WaClientLike, WaEvents, WaMedia, WaMediaOptions, WaMessageLike } from "./client";
export type { WhatsAppConfig } from "./config";
export { normaliseWhatsAppMessage } from "./message";

/** The descriptor; tests pass their own client factory (a fake) and adapter options. */
export function whatsappChannel(
  overrides: {
    createClient?: (config: WhatsAppConfig) => WaClientLike;
    options?: Partial<Omit<WhatsAppOptions, keyof WhatsAppConfig | "logger" | "createClient">>;
    /** test hook: the adapter it built */
    built?: (adapter: WhatsAppChannel) => void;
  } = {},
): ChannelDescriptor<WhatsAppConfig, typeof whatsappEnvSchema> {
  const createClient = overrides.createClient ?? createWaClient;
  return {
    name: "whatsapp",
    schema: whatsappEnvSchema,
    fromEnv: whatsappFromEnv,
    // No reliable inline keyboards in whatsapp-web.js: egress numbers the choices instead.
    // Files: egress loads the bytes, the adapter sends them as MessageMedia.
    capabilities: { buttons: false, requestContact: false, deleteMessage: false, attachments: "upload" },
    howToEnable: "set WHATSAPP_ENABLED=true to connect WhatsApp (pair it from the console's Admin tab)",
    sendRate: (config) => pacing(config.maxPerMinute),
    create: (config, deps) => {
      const adapter = new WhatsAppChannel({
        ...config,
        logger: deps.logger,
        createClient: () => createClient(config),
        onDelivery: deps.onDelivery,
        onStatus: deps.onStatus,
        mediaMaxBytes: deps.mediaMaxBytes,
        ...overrides.options,
      });
      overrides.built?.(adapter);
      return adapter;
    },
  };
}

/**
 * N a minute as evenly spaced sends, not N at the start of each minute: 20 a minute is one every
 * 3 s (a burst is what looks like a spammer). Above 60 a minute, per second.
 */
export function pacing(maxPerMinute: number): { maxPerSecond: number; perSeconds?: number } {
  if (maxPerMinute >= 60) return { maxPerSecond: Math.ceil(maxPerMinute / 60) };
  return { maxPerSecond: 1, perSeconds: Math.round(60 / maxPerMinute) };
}

export const whatsapp = whatsappChannel();
