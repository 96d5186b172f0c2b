/**
 * Readings taken at scrape time (prom-client collect()), never on the hot path: queue depths from
 * BullMQ, the backlog and its age from PostgreSQL (the log is the truth: a job can be lost with
 * Redis, a pending row cannot), the pg pool, Redis, and the sockets this process holds. Each
 * reading is bounded by `timeoutMs`; one that fails or times out leaves its series out of that
 * scrape and sets pustaka_probe_up{probe} to 0, so a stalled database never stalls /metrics.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Pool } from "pg";
import { Gauge, Registry } from "prom-client";
import type { Sql } from "../db";
import { once, withTimeout } from "../lifecycle";

export interface ProbeSources {
  /** the database (backlog) and its pool (connections) */
  db?: Sql;
  pool?: Pool;
  redis?: Redis;
  prefix?: string;
  /** the BullMQ queues whose job counts are read, e.g. inbound, outbound-telegram */
  queues?: readonly string[];
  /** live sockets per Socket.IO server of this process (console, webchat) */
  sockets?: Partial<Record<string, () => number>>;
  timeoutMs?: number;
}

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "failed"] as const;

export class Probes {
  readonly registry = new Registry();
  private readonly queues: Queue[];
  private readonly timeoutMs: number;
  private readonly up: Gauge<"probe">;

  constructor(private readonly sources: ProbeSources) {
    this.timeoutMs = sources.timeoutMs ?? 2000;
    const registers = [this.registry];
    const { redis, db, pool } = sources;
    const probesTimeout = this.timeoutMs;
    this.queues = redis
      ? (sources.queues ?? []).map(
          (name) =>
            new Queue(name, { connection: redis, ...(sources.prefix ? { prefix: sources.prefix } : {}) }),
        )
      : [];
    this.up = new Gauge({
      name: "pustaka_probe_up",
      help: "1 when the reading answered within the probe timeout at this scrape, else 0",
      labelNames: ["probe"] as const,
      registers,
    });

    if (this.queues.length) {
      const queues = this.queues;
      new Gauge({
        name: "pustaka_queue_jobs",
        help: "BullMQ jobs (conversation drains) per queue and state, read at scrape time",
        labelNames: ["queue", "state"] as const,
        registers,
        collect: this.probe("queues", async function (this: Gauge<"queue" | "state">) {
          const counts = await Promise.all(queues.map((q) => q.getJobCounts(...JOB_STATES)));
          this.reset();
          queues.forEach((q, i) => {
            for (const state of JOB_STATES) this.set({ queue: q.name, state }, counts[i]![state] ?? 0);
          });
        }),
      });
    }
    if (db) {
      const oldest = new Gauge({
        name: "pustaka_backlog_oldest_seconds",
        help: "Age of the oldest message waiting in the log: in = received, not yet handled; out = queued, not yet sent",
        labelNames: ["direction", "channel"] as const,
        registers,
      });
      new Gauge({
        name: "pustaka_backlog_messages",
        help: "Messages waiting in the log (in: received, not handled; out: queued, not sent), from PostgreSQL",
        labelNames: ["direction", "channel"] as const,
        registers,
        collect: this.probe("backlog", async function (this: Gauge<"direction" | "channel">) {
          // Both partial indexes (message_inbound_pending, message_outbound_pending) cover exactly these rows.
          const { rows } = await db.query<{ direction: string; channel: string; n: number; age: number }>(
            `SELECT direction, channel, count(*)::int AS n,
                    extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS age
             FROM message
             WHERE (direction = 'in' AND status = 'received') OR (direction = 'out' AND status = 'queued')
             GROUP BY direction, channel`,
          );
          this.reset();
          oldest.reset();
          // channel "all": the totals, present (0) even when nothing waits, so a panel never goes blank.
          for (const direction of ["in", "out"]) {
            const mine = rows.filter((r) => r.direction === direction);
            this.set(
              { direction, channel: "all" },
              mine.reduce((n, r) => n + r.n, 0),
            );
            oldest.set({ direction, channel: "all" }, Math.max(0, ...mine.map((r) => r.age)));
          }
          for (const r of rows) {
            this.set({ direction: r.direction, channel: r.channel }, r.n);
            oldest.set({ direction: r.direction, channel: r.channel }, r.age);
          }
        }),
      });
    }
    if (pool) {
      new Gauge({
        name: "pustaka_db_pool_connections",
        help: "This process's PostgreSQL pool: total open, idle, and callers waiting for a connection",
        labelNames: ["state"] as const,
        registers,
        collect() {
          this.set({ state: "total" }, pool.totalCount);
          this.set({ state: "idle" }, pool.idleCount);
          this.set({ state: "waiting" }, pool.waitingCount);
        },
      });
    }
    if (redis) {
      new Gauge({
        name: "pustaka_redis_up",
        help: "1 when Redis answered PING within the probe timeout at this scrape",
        registers,
        collect: async function (this: Gauge) {
          const ok = await withTimeout(redis.ping(), probesTimeout, "redis ping").then(
            () => 1,
            () => 0,
          );
          this.set(ok);
        },
      });
    }
    // Read at each scrape: the web role fills it in once its servers exist.
    const sockets = sources.sockets;
    if (sockets) {
      new Gauge({
        name: "pustaka_websocket_clients",
        help: "Socket.IO clients connected to this process, per server (console: librarians; webchat: patrons' widgets)",
        labelNames: ["server"] as const,
        registers,
        collect() {
          this.reset();
          for (const [server, count] of Object.entries(sockets)) if (count) this.set({ server }, count());
        },
      });
    }
  }

  /** The readings in Prometheus's text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  readonly close = once(async () => {
    await Promise.all(this.queues.map((q) => q.close()));
  });

  /** A collect() bounded in time, its success recorded in pustaka_probe_up. */
  private probe<G extends Gauge<string>>(name: string, read: (this: G) => Promise<void>) {
    const up = this.up;
    const timeoutMs = this.timeoutMs;
    return async function (this: G): Promise<void> {
      try {
        await withTimeout(read.call(this), timeoutMs, `metrics probe ${name}`);
        up.set({ probe: name }, 1);
      } catch {
        this.reset();
        up.set({ probe: name }, 0);
      }
    };
  }
}
