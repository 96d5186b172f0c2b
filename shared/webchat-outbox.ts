/**
 * Replies on their way from the web chat channel (bot role, egress) to the patron's widget (web
 * role): a capped Redis stream that every web node reads whole, from where it last read, and
 * pushes to the sockets of the session it names on that node. No consumer group: whichever node
 * holds the patron's socket must see the entry, and a node that was away has no sockets to miss
 * it for. Nothing depends on this stream keeping anything: every reply is in the message log, and
 * a widget that (re)connects reads its history from there (web/webchat/history.ts).
 */
import type { Redis } from "ioredis";
import { once } from "./lifecycle";
import type { WidgetPush } from "./webchat";

export const webchatOutboxKey = (prefix: string) => `${prefix}:webchat:outbox`;
const MAX_LEN = 10_000;

/** The bot side: XADD one push; throws when Redis does not take it (egress retries the reply). */
export async function publishWidgetPush(redis: Redis, prefix: string, push: WidgetPush): Promise<void> {
  await redis.xadd(webchatOutboxKey(prefix), "MAXLEN", "~", String(MAX_LEN), "*", "p", JSON.stringify(push));
}

export interface WidgetPushReaderOptions {
  /** a dedicated connection: XREAD BLOCK holds it */
  blocking: Redis;
  prefix: string;
  onPush: (push: WidgetPush) => void;
  onError: (err: unknown) => void;
  /** how long one read waits (default 2 s): bounds how long close() waits */
  blockMs?: number;
}

/** The web side: reads the outbox from "now" on, each entry once per node, until closed. */
export class WidgetPushReader {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastId = "$";

  constructor(private readonly options: WidgetPushReaderOptions) {}

  async start(): Promise<void> {
    // The id of the newest entry now, so the first read already continues from it (not from
    // whenever the first XREAD happens to run).
    const newest = (await this.options.blocking.xrevrange(
      webchatOutboxKey(this.options.prefix),
      "+",
      "-",
      "COUNT",
      1,
    )) as Array<[string, string[]]>;
    this.lastId = newest[0]?.[0] ?? "0-0";
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const key = webchatOutboxKey(this.options.prefix);
    while (!this.stopped) {
      try {
        const res = (await this.options.blocking.xread(
          "COUNT",
          200,
          "BLOCK",
          this.options.blockMs ?? 2000,
          "STREAMS",
          key,
          this.lastId,
        )) as Array<[string, Array<[string, string[]]>]> | null;
        if (!res) continue;
        for (const [, entries] of res) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            const raw = fields[fields.indexOf("p") + 1];
            try {
              if (raw) this.options.onPush(JSON.parse(raw) as WidgetPush);
            } catch (err) {
              this.options.onError(err);
            }
          }
        }
      } catch (err) {
        if (this.stopped) break;
        this.options.onError(err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  readonly close = once(async () => {
    this.stopped = true;
    // The blocked XREAD returns within blockMs; disconnecting ends it at once.
    this.options.blocking.disconnect();
    await this.loop?.catch(() => undefined);
  });
}
