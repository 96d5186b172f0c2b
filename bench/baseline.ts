/** Section: the bare BullMQ two-hop no-op pipeline (bench/bare-bullmq.ts) in a child process. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

export interface Baseline {
  jobs: number;
  seconds: number;
  perSecond: number;
  cpuMsPerJob: number;
  rss: number;
}

export async function bareBullmq(redisUrl: string, jobs: number, concurrency: number, prefix: string) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "bare-bullmq.ts")],
    {
      env: {
        ...process.env,
        BARE_REDIS_URL: redisUrl,
        BARE_JOBS: String(jobs),
        BARE_CONCURRENCY: String(concurrency),
        BARE_PREFIX: prefix,
      },
      timeout: 120_000,
    },
  );
  const b = JSON.parse(stdout.trim().split("\n").pop()!) as Baseline;
  console.log(
    `  bare BullMQ two-hop no-op, ${b.jobs} jobs, concurrency ${concurrency}: ${b.perSecond.toFixed(0)} jobs/s, ` +
      `CPU ${b.cpuMsPerJob.toFixed(2)} ms/job, RSS ${b.rss.toFixed(0)} MB`,
  );
  return b;
}
