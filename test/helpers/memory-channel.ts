/**
 * A tiny in-memory channel without buttons, registered through the same ChannelDescriptor
 * shape as Telegram: tests type as a patron with `say` and read what egress sent in `sent`.
 */
import { EventEmitter, once as onceEvent } from "node:events";
import { z } from "zod";
import type { ChannelAdapter, ChannelCapabilities, ChannelDescriptor, OnInbound } from "../../bot/channel";
import { optional } from "../../shared/channel-config";
import type { OutboundMessage, SentReceipt } from "../../shared/envelope";
import { once } from "../../shared/lifecycle";

export class MemoryChannel implements ChannelAdapter {
  readonly name = "webchat" as const;
  readonly sent: OutboundMessage[] = [];
  private readonly events = new EventEmitter();
  private onInbound: OnInbound | undefined;
  private keys = 0;
  ready = false;

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
    this.ready = true;
  }

  async send(message: OutboundMessage): Promise<SentReceipt> {
    this.sent.push(message);
    this.events.emit("sent");
    return { channelMessageId: `m${this.sent.length}` };
  }

  /** The patron of `chatId` types `text`; resolves once it is recorded. */
  async say(chatId: string, text: string): Promise<void> {
    await this.onInbound!({
      channel: this.name,
      key: `${chatId}:${++this.keys}`,
      chatId,
      chat: { type: "private" },
      sender: { id: chatId, displayName: "Tamu" },
      kind: "text",
      text,
      sentAt: new Date().toISOString(),
      meta: {},
    });
  }

  /** The messages sent to `chatId`, once there are at least `n` (fails after `timeoutMs`). */
  async waitForSent(chatId: string, n: number, timeoutMs = 10_000): Promise<OutboundMessage[]> {
    const deadline = AbortSignal.timeout(timeoutMs);
    for (;;) {
      const mine = this.sent.filter((m) => m.chatId === chatId);
      if (mine.length >= n) return mine;
      await onceEvent(this.events, "sent", { signal: deadline });
    }
  }

  readonly close = once(async () => {
    this.ready = false;
  });
}

/**
 * The descriptor, configured by MEMORY_CHANNEL=on; `channel()` is the adapter it built.
 * `capabilities` overrides what it can do (by default: no buttons, no files).
 */
export function memoryChannel(capabilities: Partial<ChannelCapabilities> = {}): {
  descriptor: ChannelDescriptor<{ maxPerSecond: number }>;
  channel: () => MemoryChannel;
} {
  let built: MemoryChannel | undefined;
  const schema = z.object({ MEMORY_CHANNEL: optional(z.enum(["on"], { message: "must be on" })) });
  return {
    descriptor: {
      name: "webchat",
      schema,
      fromEnv: (env: z.output<typeof schema>) =>
        env.MEMORY_CHANNEL === "on" ? { maxPerSecond: 1000 } : undefined,
      capabilities: { buttons: false, requestContact: false, deleteMessage: false, ...capabilities },
      howToEnable: "set MEMORY_CHANNEL=on",
      sendRate: (config) => config,
      create: () => (built = new MemoryChannel()),
    },
    channel: () => built!,
  };
}
