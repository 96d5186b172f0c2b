/**
 * The baseline: a bare BullMQ two-hop no-op pipeline (queue A → worker adds to queue B → worker
 * does nothing) with the relay's concurrency, on the same Redis, in its own process. Run as a
 * child by bench/index.ts (`tsx bench/bare-bullmq.ts`, env BARE_*); prints one JSON line.
 * Jobs are added 50 in flight, like adapters enqueue, with removeOnComplete like ours.
 */
import { performance } from "node:perf_hooks";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";

async function main() {
  const redisUrl = process.env.BARE_REDIS_URL!;
  const jobs = Number(process.env.BARE_JOBS ?? 10_000);
  const concurrency = Number(process.env.BARE_CONCURRENCY ?? 50);
  const prefix = process.env.BARE_PREFIX ?? "bench-bare";
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const opts = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } };
  const a = new Queue("bare-a", { connection, prefix });
  const b = new Queue("bare-b", { connection, prefix });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const wa = new Worker("bare-a", async (job) => void (await b.add("hop", job.data, opts)), {
    connection,
    prefix,
    concurrency,
  });
  const wb = new Worker(
    "bare-b",
    async () => {
      if (++done === jobs) finished();
    },
    { connection, prefix, concurrency },
  );
  await Promise.all([wa.waitUntilReady(), wb.waitUntilReady()]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < jobs) {
        const i = next++;
        await a.add("msg", { conversationId: i % 200 }, opts);
      }
    }),
  );
  await all;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all([wa.close(), wb.close()]);
  await a.obliterate({ force: true });
  await b.obliterate({ force: true });
  await Promise.all([a.close(), b.close()]);
  connection.disconnect();
  const rss = process.memoryUsage().rss / 2 ** 20;
  process.stdout.write(
    JSON.stringify({
      jobs,
      seconds,
      perSecond: jobs / seconds,
      cpuMsPerJob: (cpu.user + cpu.system) / 1000 / jobs,
      rss,
    }) + "\n",
  );
}

void main();
