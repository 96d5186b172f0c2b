/**
 * What happened in this process, counted as it happens: the hops call these one-line hooks.
 * One registry per process (prom-client's own model): with every role in one process (`npm start`)
 * a single /metrics shows everything; split into web, bot and relay, each process serves its own
 * and Prometheus adds them up. Scrape-time readings (queues, backlog, pool, sockets) live in
 * probes.ts, per app. Labels are bounded sets only — channel, queue, status, reason, answer —
 * never a chat id, a name or a text: metrics show traffic volume, never a patron.
 */
import type { Worker } from "bullmq";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { ChannelName } from "../envelope";

export const eventRegistry = new Registry();
// CPU, RSS, event-loop lag and GC of this process: the first things to look at when latency grows.
collectDefaultMetrics({ register: eventRegistry, prefix: "pustaka_" });

const recorded = new Counter({
  name: "pustaka_inbound_recorded_total",
  help: "Inbound messages written to the log by ingress (outcome: new, or duplicate = a redelivery that wrote nothing)",
  labelNames: ["channel", "outcome"] as const,
  registers: [eventRegistry],
});
const deadLetters = new Counter({
  name: "pustaka_dead_letters_total",
  help: "Updates that could not be recorded as messages and went to dead_letter",
  labelNames: ["channel", "reason"] as const,
  registers: [eventRegistry],
});
const handled = new Counter({
  name: "pustaka_inbound_handled_total",
  help: "Inbound messages the relay committed as handled, by the answer (or handoff, rate_limited, error) that took them",
  labelNames: ["channel", "handled_by"] as const,
  registers: [eventRegistry],
});
const jobs = new Counter({
  name: "pustaka_jobs_total",
  help: "Queue jobs (conversation drains) finished by this process's workers, completed or failed",
  labelNames: ["queue", "result"] as const,
  registers: [eventRegistry],
});
const sends = new Counter({
  name: "pustaka_sends_total",
  help: "Replies egress handed to a channel: sent, failed (for good), retry (a transient failure, counted on the reply)",
  labelNames: ["channel", "status"] as const,
  registers: [eventRegistry],
});
const rateLimited = new Counter({
  name: "pustaka_channel_rate_limited_total",
  help: "Sends the channel refused with 429 (or retry-later); waited out, the reply is neither lost nor repeated",
  labelNames: ["channel"] as const,
  registers: [eventRegistry],
});
const paced = new Counter({
  name: "pustaka_sends_paced_total",
  help: "Replies whose drain was moved to the delayed set to wait for the channel's or the chat's send rate",
  labelNames: ["channel"] as const,
  registers: [eventRegistry],
});
const endToEnd = new Histogram({
  name: "pustaka_end_to_end_seconds",
  help: "From an inbound message recorded by ingress to the bot's reply to it sent by egress (librarians' messages are not in it)",
  labelNames: ["channel"] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [eventRegistry],
});

export type SendStatus = "sent" | "failed" | "retry";

/** The hooks the hops call. Each is a counter increment: no I/O, never throws on good labels. */
export const hopMetrics = {
  recorded(channel: ChannelName, duplicate: boolean): void {
    recorded.inc({ channel, outcome: duplicate ? "duplicate" : "new" });
  },
  deadLettered(channel: string, reason: string): void {
    deadLetters.inc({ channel, reason });
  },
  handled(channel: ChannelName, handledBy: string): void {
    handled.inc({ channel, handled_by: handledBy });
  },
  /**
   * A reply's outcome; for "sent", the end-to-end time when the reply answers a message.
   * `askedAt` is the inbound row's time on this process's clock (message-log.ts computes it from
   * the database's own clock, so clocks of different machines never meet).
   */
  send(channel: ChannelName, status: SendStatus, reply?: { askedAt?: number }): void {
    sends.inc({ channel, status });
    if (status === "sent" && reply?.askedAt !== undefined)
      endToEnd.observe({ channel }, Math.max(0, Date.now() - reply.askedAt) / 1000);
  },
  rateLimited(channel: ChannelName): void {
    rateLimited.inc({ channel });
  },
  paced(channel: ChannelName): void {
    paced.inc({ channel });
  },
  /** Count a worker's finished jobs under its queue's name. */
  watchWorker(worker: Worker, queue: string): void {
    worker.on("completed", () => jobs.inc({ queue, result: "completed" }));
    worker.on("failed", () => jobs.inc({ queue, result: "failed" }));
  },
};
