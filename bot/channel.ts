/**
 * The port every channel adapter implements (ARCHITECTURE §6.1). Only bot/channels/* know a
 * channel's SDK; they hand our own InboundMessage to `onInbound` and send OutboundMessages.
 */
import type { ChannelName, InboundMessage, OutboundMessage, SentReceipt } from "../shared/envelope";
import type { WebhookRoute } from "../shared/webhook";

export type { WebhookRoute };

/** Must resolve only once the message is durably recorded; a rejection means "deliver it again". */
export type OnInbound = (message: InboundMessage) => Promise<void>;

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
  /** The HTTP route that receives this channel's webhook, for the web role (if the channel uses one). */
  webhook?(onInbound: OnInbound): WebhookRoute | undefined;
  /** True while the adapter is receiving (for /healthz). */
  readonly ready: boolean;
  close(): Promise<void>;
}
