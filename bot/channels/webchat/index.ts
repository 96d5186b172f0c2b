/**
 * The web chat widget as the registry knows it. The adapter (adapter.ts) turns the widget's
 * messages into our envelope and sends replies to the web role through Redis; the web role
 * (web/webchat/) serves the script, the /demo page and the Socket.IO namespace.
 */
import type { ChannelDescriptor } from "../../channel";
import { WebchatChannel } from "./adapter";
import { webchatEnvSchema, webchatFromEnv, type WebchatConfig } from "./config";

export { WebchatChannel } from "./adapter";
export type { WebchatConfig } from "./config";

export const webchat: ChannelDescriptor<WebchatConfig, typeof webchatEnvSchema> = {
  name: "webchat",
  schema: webchatEnvSchema,
  fromEnv: webchatFromEnv,
  // Real buttons; no contact sharing (the patron types a member ID); "delete" masks a typed password;
  // a librarian's file is a download link the web role serves to this session only.
  capabilities: { buttons: true, requestContact: false, deleteMessage: true, attachments: "link" },
  howToEnable: "WEBCHAT_ENABLED=true (the default) serves the web chat widget",
  sendRate: (config) => ({ maxPerSecond: config.maxPerSecond }),
  create: (config, deps) => new WebchatChannel({ ...config, redis: deps.redis, prefix: deps.prefix }),
};
