/**
 * Section: soak. `total` messages through the whole path in ten bursts of a tenth each (fresh
 * chats per tenth, so INBOUND_MAX_PER_MINUTE never turns one away), sampling the service's RSS
 * and Redis `used_memory` before, after every tenth and after the end; then the BullMQ
 * completed/failed jobs still kept in Redis. Memory that grows with the count is a leak; jobs
 * kept must stay bounded by the queues' removeOnComplete/removeOnFail (shared/queues.ts).
 */
import { Redis } from "ioredis";
import type { FakeBotApi } from "./processes";
import { sample } from "./proc-stats";
import { QUESTION } from "./burst";

export interface SoakResult {
  sent: number;
  replies: number;
  seconds: number;
  samples: Array<{ done: number; rssMb: number; heapMb: number; redisMb: number }>;
  jobsKept: Record<string, number>;
  keyShapes: Array<[string, { keys: number; noTtl: number }]>;
}

async function usedMemoryMb(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0) / 1024 / 1024;
}

/** Completed and failed jobs BullMQ keeps, per queue under `prefix` (sets `<prefix>:<queue>:completed`). */
async function jobsKept(redis: Redis, prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const key of await redis
    .keys(`${prefix}:*:completed`)
    .then(async (a) => [...a, ...(await redis.keys(`${prefix}:*:failed`))]))
    out[key.slice(prefix.length + 1)] = await redis.zcard(key);
  return out;
}

/** Redis keys by shape (digits as #), with how many have no TTL: what grows, and whether it expires. */
async function keyShapes(redis: Redis): Promise<Array<[string, { keys: number; noTtl: number }]>> {
  const shapes = new Map<string, { keys: number; noTtl: number }>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.pttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const shape = key.replace(/\d+/g, "#");
      const entry = shapes.get(shape) ?? { keys: 0, noTtl: 0 };
      entry.keys++;
      if (ttls[i]?.[1] === -1) entry.noTtl++;
      shapes.set(shape, entry);
    });
  } while (cursor !== "0");
  return [...shapes].sort((a, b) => b[1].keys - a[1].keys);
}

export async function soak(
  fake: FakeBotApi,
  appPid: number,
  /** the service's heap after a full GC, MB (the leak check: RSS is a V8 sawtooth) */
  heapAfterGc: () => Promise<number>,
  redisUrl: string,
  prefix: string,
  total: number,
  chats: number,
  firstChat: number,
): Promise<SoakResult> {
  const redis = new Redis(redisUrl);
  try {
    const perChat = Math.max(1, Math.round(total / 10 / chats));
    const at = async (done: number) => ({
      done,
      rssMb: sample(appPid).rssMb,
      heapMb: await heapAfterGc(),
      redisMb: await usedMemoryMb(redis),
    });
    const samples = [await at(0)];
    let sent = 0;
    let replies = 0;
    let seconds = 0;
    for (let tenth = 0; tenth < 10; tenth++) {
      const cpu0 = { app: sample(appPid).cpuMs, fake: sample(fake.pid).cpuMs };
      const r = await fake.run({
        op: "burst",
        chats,
        perChat,
        text: QUESTION,
        firstChat: firstChat + tenth * chats,
        timeoutMs: 600_000,
      });
      sent += r.sent;
      replies += r.replies;
      seconds += r.seconds;
      samples.push(await at(sent));
      const last = samples[samples.length - 1]!;
      // CPU per message of the service and of the fake in this tenth: a cost that grows with the
      // count shows here before it shows in msg/s.
      const perMessage = (pid: number, before: number) =>
        ((sample(pid).cpuMs - before) / Math.max(1, r.replies)).toFixed(2);
      console.log(
        `  ${sent}: ${(r.replies / r.seconds).toFixed(0)} msg/s, RSS ${last.rssMb.toFixed(0)} MB, heap after GC ${last.heapMb.toFixed(1)} MB (fake RSS ${sample(fake.pid).rssMb.toFixed(0)} MB), ` +
          `Redis ${last.redisMb.toFixed(1)} MB, CPU ms/msg service ${perMessage(appPid, cpu0.app)}, fake ${perMessage(fake.pid, cpu0.fake)}`,
      );
      if (r.replies < r.sent) break; // a tenth that timed out: the rest would only add noise
    }
    // Let the last removeOnComplete trims and the idle timers run before the "after" sample.
    await new Promise((r) => setTimeout(r, 2000));
    samples.push(await at(sent));
    const result = {
      sent,
      replies,
      seconds,
      samples,
      jobsKept: await jobsKept(redis, prefix),
      keyShapes: await keyShapes(redis),
    };
    print(result);
    return result;
  } finally {
    redis.disconnect();
  }
}

function print(r: SoakResult): void {
  console.log(
    `soak: ${r.sent} messages → ${r.replies} replies in ${r.seconds.toFixed(1)} s of bursts: ${(r.replies / r.seconds).toFixed(0)} msg/s`,
  );
  console.log(
    `| messages done | service RSS MB | service heap after GC MB | Redis used_memory MB |\n|---|---|---|---|`,
  );
  r.samples.forEach((s, i) =>
    console.log(
      `| ${i === 0 ? "before" : i === r.samples.length - 1 ? `after (${s.done}, 2 s idle)` : s.done} | ${s.rssMb.toFixed(0)} | ${s.heapMb.toFixed(1)} | ${s.redisMb.toFixed(1)} |`,
    ),
  );
  console.log(
    `  BullMQ jobs kept in Redis at the end: ${
      Object.entries(r.jobsKept)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none"
    }`,
  );
  console.log(
    `  Redis keys at the end, by shape (top 8; of them without TTL): ${r.keyShapes
      .slice(0, 8)
      .map(([k, v]) => `${k} ${v.keys} (${v.noTtl})`)
      .join(", ")}`,
  );
}
