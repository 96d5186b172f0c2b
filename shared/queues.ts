/**
 * The queues and their jobs. Messages live in PostgreSQL with a per-conversation sequence
 * number; a queue job only says "drain conversation X" (docs/message-path.md §2). BullMQ's
 * `deduplication: { keepLastIfActive }` keeps at most one drain per conversation running and
 * one waiting, so a conversation is handled in order while different ones run in parallel.
 */
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelName } from "./envelope";
import { once } from "./lifecycle";

export const INBOUND_QUEUE = "inbound";
export const outboundQueueName = (channel: ChannelName) => `outbound-${channel}`;

export interface DrainJob {
  conversationId: number;
}

const drainOptions = (conversationId: number): JobsOptions => ({
  deduplication: { id: `conv-${conversationId}`, keepLastIfActive: true },
  // A failed drain is retried; its messages stay pending in PostgreSQL, so nothing is lost even
  // when attempts run out (the sweeper requests a new drain).
  attempts: 8,
  backoff: { type: "exponential", delay: 200 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
});

/**
 * Worker lock settings. A drain whose process died (kill -9, power loss) keeps its lock until it
 * expires; the stall checker then hands the job to a live worker. BullMQ's defaults (30 s + a
 * 30 s check) leave a conversation stuck for up to a minute; 15 s halves that, and a live
 * worker renews its lock every 7.5 s, so only a process blocked that long loses a job.
 */
export const WORKER_LOCKS = { lockDuration: 15_000, stalledInterval: 15_000 } as const;

/** Requests drains of conversations on one queue. */
export class DrainRequests {
  readonly queue: Queue<DrainJob>;

  constructor(name: string, connection: Redis, prefix: string) {
    this.queue = new Queue<DrainJob>(name, { connection, prefix });
  }

  async request(conversationId: number): Promise<void> {
    await this.queue.add("drain", { conversationId }, drainOptions(conversationId));
  }

  async requestMany(conversationIds: Iterable<number>): Promise<void> {
    // add() rather than addBulk(): deduplication is what keeps one drain per conversation.
    await Promise.all([...new Set(conversationIds)].map((id) => this.request(id)));
  }

  readonly close = once(() => this.queue.close());
}

/** Drain requests for each channel's outbound queue, opened on first use (relay and console). */
export class OutboundDrains {
  private readonly queues = new Map<ChannelName, DrainRequests>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  request(channel: ChannelName, conversationId: number): Promise<void> {
    let q = this.queues.get(channel);
    if (!q) {
      q = new DrainRequests(outboundQueueName(channel), this.connection, this.prefix);
      this.queues.set(channel, q);
    }
    return q.request(conversationId);
  }

  readonly close = once(async () => {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  });
}
