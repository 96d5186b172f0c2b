/**
 * The port every channel adapter implements (docs/ARCHITECTURE.md, "How to add a channel"). Only
 * bot/channels/* know a channel's SDK; they hand our own InboundMessage to `onInbound` and send
 * OutboundMessages.
 *
 * A channel is one ChannelDescriptor: its variables, what it can do, its send rate and how to
 * build its adapter. bot/channels/index.ts lists them; main.ts starts whichever are configured.
 */
import type { z } from "zod";
import type { ChannelConfigSpec } from "../shared/channel-config";
import type { ChannelStatusReport } from "../shared/channel-status";
import type {
  ChannelName,
  DeliveryReport,
  InboundMessage,
  OutboundMessage,
  SentReceipt,
} from "../shared/envelope";
import type { Redis } from "ioredis";
import type { Logger } from "../shared/logger";
import type { WebchatEndpoint } from "../shared/webchat";
import type { WebhookRoute } from "../shared/webhook";
import type { PaceRate } from "./send-pacing";

/**
 * Must resolve only once the message is durably recorded (or, if the database keeps refusing that
 * row, dead-lettered with `raw`, the update as the channel sent it); a rejection means "deliver it
 * again". `unreadable` keeps an update the adapter could make no message of (no chat, no sender).
 */
export interface OnInbound {
  (message: InboundMessage, raw?: unknown): Promise<void>;
  unreadable?(update: { channel: ChannelName; key: string | null; raw: unknown; why: string }): Promise<void>;
}

export interface ChannelAdapter {
  readonly name: ChannelName;
  /** Begin receiving (polling, or registering a webhook) and hand each message to onInbound. */
  start(onInbound: OnInbound): Promise<void>;
  /**
   * Deliver one message. Throws ChannelRateLimitedError (retry after), ChannelRejectedError
   * (permanent) or ChannelUnavailableError (transient).
   */
  send(message: OutboundMessage): Promise<SentReceipt>;
  /** Delete a message from the chat (a typed password), where the channel allows it. */
  deleteMessage?(chatId: string, channelMessageId: string): Promise<void>;
  /**
   * Ask for a code that pairs this number by typing it on the phone (WhatsApp), while the session
   * waits to be paired; the code is reported through ChannelDeps.onStatus. An admin's request.
   */
  pairByPhone?(phone: string): Promise<void>;
  /** The HTTP route that receives this channel's webhook, for the web role (if the channel uses one). */
  webhook?(onInbound: OnInbound): WebhookRoute | undefined;
  /** The web chat widget's endpoint, for the web role's widget namespace (shared/webchat.ts). */
  widget?(onInbound: OnInbound): WebchatEndpoint | undefined;
  /** True while the adapter is receiving (for /healthz). */
  readonly ready: boolean;
  close(): Promise<void>;
}

/** What a channel can show or do; egress falls back (or refuses) where it cannot. */
export interface ChannelCapabilities {
  /** inline buttons; without them egress shows them as a numbered list and a typed number presses one */
  readonly buttons: boolean;
  /** a keyboard button that shares the patron's own phone number */
  readonly requestContact: boolean;
  /** deleting a patron's message (a typed password) */
  readonly deleteMessage: boolean;
  /**
   * Sending a file with a reply (OutboundMessage.attachment): "upload" — egress loads the bytes
   * and the adapter sends them (Telegram sendDocument/sendPhoto, WhatsApp MessageMedia); "link" —
   * the adapter gets the file's id and metadata and offers a download link (the web widget).
   * Absent: the channel cannot, and a reply with a file is failed with that reason (visible to
   * the librarian) rather than sent without it.
   */
  readonly attachments?: "upload" | "link";
}

/** The bot's commands as a channel's menu shows them, per language. */
export interface CommandMenu {
  id: Array<{ command: string; description: string }>;
  en: Array<{ command: string; description: string }>;
}

/** What main.ts gives every channel it builds. */
export interface ChannelDeps {
  logger: Logger;
  /** the process's Redis connection and key prefix (channels that talk to the web role through Redis) */
  redis: Redis;
  prefix: string;
  /** the command menu, for channels that publish one */
  commands?: CommandMenu;
  /** test override: long-poll timeout in seconds, for channels that poll */
  pollTimeoutSeconds?: number;
  /**
   * MEDIA_MAX_BYTES: the largest file the adapter fetches at intake (InboundMessage.media). A
   * larger one is not downloaded at all: its metadata is handed on with `notStored`.
   */
  mediaMaxBytes?: number;
  /**
   * Delivery progress of a message the channel sent, reported later (WhatsApp's acks): recorded
   * on the reply's row. Resolves false when no sent reply has that id (yet: the ack can beat the
   * egress's own "sent" write).
   */
  onDelivery?: (report: DeliveryReport) => Promise<boolean>;
  /** The channel's session state for admins (pairing, ready, disconnected); never throws. */
  onStatus?: (report: ChannelStatusReport) => void;
}

/**
 * One channel, as the registry knows it. `C` is the channel's own config (what fromEnv
 * returns). The methods take C by method syntax on purpose: the registry holds descriptors of
 * different C as ChannelDescriptor<unknown>, and main.ts hands each one back only the value
 * its own fromEnv produced (Config.channels[name]).
 */
/** How fast egress may send on a channel (ChannelDescriptor.sendRate). */
export interface SendRate {
  maxPerSecond: number;
  perSeconds?: number;
  perChat?: PaceRate;
}

export interface ChannelDescriptor<C = unknown, S extends z.ZodType = z.ZodType> extends ChannelConfigSpec<
  S,
  C
> {
  readonly capabilities: ChannelCapabilities;
  /** for the "no channel is configured" hint, e.g. "set TELEGRAM_BOT_TOKEN to connect Telegram" */
  readonly howToEnable: string;
  /**
   * The channel-wide send rate egress keeps (shared by every bot process): `maxPerSecond` sends
   * per second, or per `perSeconds` seconds when given (WhatsApp is paced per minute), evenly
   * spaced; and, where the channel limits each chat too, that chat's rate (Telegram).
   */
  sendRate(config: C): SendRate;
  create(config: C, deps: ChannelDeps): ChannelAdapter;
}
