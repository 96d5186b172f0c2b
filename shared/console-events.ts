/**
 * What the relay and egress tell the librarian console, across processes: a small event on a
 * capped Redis stream. Each web node reads it in one consumer group, so every event is taken by
 * exactly one node, which broadcasts it through the Socket.IO adapter to every node (and into
 * the adapter's stream, so a librarian who reconnects within a minute still gets it).
 * PostgreSQL stays the source of truth: a console that reloads reads it again.
 */
import type { Redis } from "ioredis";
import type { ConversationState } from "./entities/conversation";
import type { ChannelName } from "./envelope";
import { once } from "./lifecycle";

export type ConsoleEvent =
  /** a conversation changed state (waiting, assigned, closed) or was created waiting */
  | { type: "conversation"; conversationId: number; state: ConversationState }
  /** a message was logged in a conversation the console follows */
  | { type: "message"; conversationId: number; messageId: string }
  /** delivery progress of an outbound message */
  | {
      type: "status";
      conversationId: number;
      messageId: string;
      status: "sent" | "failed" | "queued";
      error?: string;
    }
  /** how far a sent message got (the channel's delivery acks) */
  | { type: "delivery"; conversationId: number; messageId: string; delivery: string }
  /** a channel's session state changed (shared/channel-status.ts holds it): admins are shown it */
  | { type: "channel"; channel: ChannelName };

export const consoleStreamKey = (prefix: string) => `${prefix}:console:events`;
const GROUP = "web";
const MAX_LEN = 10_000;

export class ConsoleEventPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Best effort: a lost event only delays the console until its next reload. Never throws. */
  async publish(event: ConsoleEvent): Promise<void> {
    try {
      await this.redis.xadd(
        consoleStreamKey(this.prefix),
        "MAXLEN",
        "~",
        String(MAX_LEN),
        "*",
        "e",
        JSON.stringify(event),
      );
    } catch {
      // Redis down: the console catches up from PostgreSQL on reconnect.
    }
  }
}

export interface ConsoleEventReaderOptions {
  /** a dedicated connection: XREADGROUP BLOCK holds it (disconnected on close) */
  blocking: Redis;
  /** a non-blocking connection, to leave the group on close */
  commands?: Redis;
  prefix: string;
  /** this node's name in the consumer group */
  consumer: string;
  onEvent: (event: ConsoleEvent) => Promise<void> | void;
  onError: (err: unknown) => void;
  /** how long one read waits for events (default 2 s): bounds how long close() waits */
  blockMs?: number;
}

/** Reads the console stream in the web nodes' consumer group until closed. */
export class ConsoleEventReader {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly consumer: string;
  private readonly blockMs: number;

  constructor(private readonly options: ConsoleEventReaderOptions) {
    this.redis = options.blocking;
    this.prefix = options.prefix;
    this.consumer = options.consumer;
    this.blockMs = options.blockMs ?? 2000;
  }

  async start(): Promise<void> {
    const key = consoleStreamKey(this.prefix);
    try {
      await this.redis.xgroup("CREATE", key, GROUP, "$", "MKSTREAM");
    } catch (err) {
      if (!String(err).includes("BUSYGROUP")) throw err;
    }
    this.loop = this.run(key);
  }

  private async run(key: string): Promise<void> {
    while (!this.stopped) {
      try {
        const res = (await this.redis.xreadgroup(
          "GROUP",
          GROUP,
          this.consumer,
          "COUNT",
          "100",
          "BLOCK",
          String(this.blockMs),
          "STREAMS",
          key,
          ">",
        )) as Array<[string, Array<[string, string[]]>]> | null;
        if (!res) continue;
        const entries = res.flatMap(([, e]) => e);
        await this.handle(entries.map(([, fields]) => fields[fields.indexOf("e") + 1]));
        // One acknowledgement for the batch (best effort, like the events: nothing re-reads the pending list).
        if (entries.length) await this.redis.xack(key, GROUP, ...entries.map(([id]) => id));
      } catch (err) {
        if (this.stopped) break;
        // Redis restarted empty (it keeps nothing on disk here): the group is gone; make it again.
        if (String(err).includes("NOGROUP")) {
          await this.redis.xgroup("CREATE", key, GROUP, "$", "MKSTREAM").catch(() => undefined);
          continue;
        }
        this.options.onError(err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * A batch of events: in order within a conversation (a message's event before a later state
   * change), conversations side by side, so one conversation's lookups do not delay another's.
   */
  private async handle(raws: Array<string | undefined>): Promise<void> {
    const lanes = new Map<string, ConsoleEvent[]>();
    for (const raw of raws) {
      if (!raw) continue;
      let event: ConsoleEvent;
      try {
        event = JSON.parse(raw) as ConsoleEvent;
      } catch (err) {
        this.options.onError(err);
        continue;
      }
      const lane = "conversationId" in event ? `c${event.conversationId}` : `${event.type}:${event.channel}`;
      const queue = lanes.get(lane);
      if (queue) queue.push(event);
      else lanes.set(lane, [event]);
    }
    await Promise.all(
      [...lanes.values()].map(async (events) => {
        for (const event of events) {
          try {
            await this.options.onEvent(event);
          } catch (err) {
            this.options.onError(err);
          }
        }
      }),
    );
  }

  readonly close = once(async () => {
    this.stopped = true;
    this.redis.disconnect();
    await this.loop?.catch(() => undefined);
    // Leave the group, so consumers of stopped processes do not pile up in it.
    await this.options.commands
      ?.xgroup("DELCONSUMER", consoleStreamKey(this.prefix), GROUP, this.consumer)
      .catch(() => undefined);
  });
}
