/**
 * The web chat adapter. Intake runs where the widget's socket is, in the web role: `widget()`
 * gives the web role an endpoint whose `receive` turns a widget message into our InboundMessage
 * and records it through the ingress (like a Telegram webhook: the widget's send is acknowledged
 * only after the row is written). Sending publishes the reply to the Redis outbox that the web
 * nodes read (shared/webchat-outbox.ts): "sent" means handed to the web role; a widget that is
 * offline gets it from the log when it comes back. A librarian's attachment travels as its id and
 * metadata only (capability "link"): the web role offers it as a download link for this session.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { ChannelAdapter, OnInbound } from "../../channel";
import type { InboundMessage, OutboundMessage, SentReceipt } from "../../../shared/envelope";
import { ChannelUnavailableError, errorMessage } from "../../../shared/errors";
import { once } from "../../../shared/lifecycle";
import type { WebchatEndpoint, WidgetMessage, WidgetPush } from "../../../shared/webchat";
import { publishWidgetPush } from "../../../shared/webchat-outbox";
import type { WebchatConfig } from "./config";

export interface WebchatOptions extends WebchatConfig {
  redis: Redis;
  prefix: string;
}

/** The patron's message in our envelope: the session is the chat and the sender, always private. */
export function widgetInbound(message: WidgetMessage, now = new Date()): InboundMessage {
  return {
    channel: "webchat",
    key: `${message.sessionId}:${message.clientId}`,
    chatId: message.sessionId,
    chat: { type: "private" },
    // No name is asked for: librarians tell sessions apart by this short label.
    sender: {
      id: message.sessionId,
      displayName: `Tamu web ${message.sessionId.slice(0, 4)}`,
      ...(message.language ? { languageCode: message.language } : {}),
    },
    kind: message.kind,
    text: message.text,
    // The server's clock: the browser's cannot be trusted.
    sentAt: now.toISOString(),
    meta: {},
    // What a later "delete" of this message (a typed password) names.
    channelMessageId: message.clientId,
  };
}

export class WebchatChannel implements ChannelAdapter {
  readonly name = "webchat" as const;
  private started = false;
  private closed = false;

  constructor(private readonly options: WebchatOptions) {}

  get ready(): boolean {
    return this.started && !this.closed;
  }

  /** Nothing to poll: the web role receives (widget()). */
  async start(): Promise<void> {
    this.started = true;
  }

  widget(onInbound: OnInbound): WebchatEndpoint {
    return {
      allowedOrigins: this.options.allowedOrigins,
      limits: { perSession: this.options.perSession, perAddress: this.options.perAddress },
      receive: (message) => onInbound(widgetInbound(message), message),
    };
  }

  async send(message: OutboundMessage): Promise<SentReceipt> {
    // The log's id keys the entry, so the widget merges this push with its history without doubles.
    const id = message.logId ?? randomBytes(12).toString("hex");
    const key = `o:${id}`;
    const file = message.attachment;
    await this.publish({
      type: "message",
      sessionId: message.chatId,
      ...(file
        ? {
            attachment: {
              mediaId: file.mediaId,
              fileName: file.fileName,
              mimeType: file.mimeType,
              size: file.size,
            },
          }
        : {}),
      entry: {
        key,
        from: "library",
        text: message.text,
        ...(message.buttons?.length ? { buttons: message.buttons } : {}),
        at: new Date().toISOString(),
      },
    });
    return { channelMessageId: key };
  }

  /** The widget cannot unsend; it masks the patron's message (a typed password) in its view. */
  async deleteMessage(chatId: string, channelMessageId: string): Promise<void> {
    await this.publish({ type: "mask", sessionId: chatId, key: `c:${channelMessageId}` });
  }

  private async publish(push: WidgetPush): Promise<void> {
    try {
      await publishWidgetPush(this.options.redis, this.options.prefix, push);
    } catch (err) {
      throw new ChannelUnavailableError(`web chat outbox: ${errorMessage(err)}`, { cause: err });
    }
  }

  readonly close = once(async () => {
    this.closed = true;
  });
}
