/**
 * `npm run bench`: the whole message path measured in one invocation, figures not pass/fail.
 *
 *   1. the message-log write micro-benchmark (bench/log-write.ts)
 *   2. the bare BullMQ two-hop no-op baseline (bench/bare-bullmq.ts), before and after the burst
 *   3. the end-to-end burst: the real Telegram adapter polling a fake Bot API in its own process,
 *      `TELEGRAM_MAX_PER_SECOND=10000`, the hours answer, every role in one process (`main.ts all`)
 *   4. the fixed-rate latency table (100, 300, 500, 1,000 msg/s from fresh chats)
 *   5. soak (bench/soak.ts): BENCH_SOAK messages (200,000; quick 10,000), RSS and Redis memory
 *      every 10 %, BullMQ jobs kept at the end
 *   6. console fan-out (bench/fanout.ts): 50 librarian sockets, patrons' messages to librarians at
 *      a fixed rate, recorded → event received; on one web node, then on two
 *   7. scale-out (bench/scaleout.ts): the same burst with `web bot` in one process and `relay` in
 *      one, then two, processes beside it
 * with CPU and RSS of each process and PostgreSQL/Redis work per message for 3, 4, 6 and 7.
 *
 * Env: BENCH_QUICK=1 (a run under 3 minutes), BENCH_BURST (messages, default 10,000; quick
 * 3,000), BENCH_CHATS (200), BENCH_RATES ("100,300,500,1000"), BENCH_RATE_SECONDS (10; quick 3),
 * BENCH_ONLY=<sections> (comma-separated: log-write, baseline, burst, latency, soak, fanout,
 * scaleout; default all), BENCH_FANOUT_RATE (patron messages/s to librarians, 50), BENCH_SOCKETS (50),
 * BENCH_SOAK (messages), BENCH_CPU_PROF=<dir> (a --cpu-prof of the service), BENCH_SKIP_LOG_WRITE=1, BENCH_SHOW_STATEMENTS (how many statement kinds to list, 8).
 * Its own database (dropped) and its own redis-server (stopped); 127.0.0.1 only.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { bareBullmq, type Baseline } from "./baseline";
import { burst } from "./burst";
import { Counters } from "./counters";
import { fixedRate } from "./latency";
import {
  FakeBotApi,
  readHeapAfterGc,
  readStatements,
  startApp,
  waitHealthy,
  type AppProcess,
} from "./processes";
import { loadAverage } from "./proc-stats";
import { startServices } from "./services";
import { soak } from "./soak";
import { fanout } from "./fanout";
import { scaleOut } from "./scaleout";
import { freePort } from "../test/helpers/process";

const QUICK = process.env.BENCH_QUICK === "1";
const BURST = Number(process.env.BENCH_BURST ?? (QUICK ? 3000 : 10_000));
const CHATS = Number(process.env.BENCH_CHATS ?? 200);
const RATES = (process.env.BENCH_RATES ?? "100,300,500,1000").split(",").map(Number);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? (QUICK ? 3 : 10));
const SOAK = Number(process.env.BENCH_SOAK ?? (QUICK ? 10_000 : 200_000));
const CONCURRENCY = 50; // the relay's default RELAY_CONCURRENCY
const FANOUT_RATE = Number(process.env.BENCH_FANOUT_RATE ?? 50);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 50);
const ONLY = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const runs = (section: string) => !ONLY || ONLY.includes(section);

async function logWrite() {
  console.log("\n== message-log write (bench/log-write.ts)");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "log-write.ts")],
    {
      env: { ...process.env, BENCH_MESSAGES: QUICK ? "500" : "2000", BENCH_ROUNDS: QUICK ? "3" : "5" },
      timeout: 180_000,
    },
  );
  process.stdout.write(stdout);
}

async function main() {
  const t0 = Date.now();
  console.log(
    `pustaka-relay bench ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model} · ` +
      `Node ${process.version} · load average ${loadAverage()}${QUICK ? " · BENCH_QUICK" : ""}`,
  );
  // One section failing (e.g. the shared server out of connections) must not cost the others.
  if (process.env.BENCH_SKIP_LOG_WRITE !== "1" && runs("log-write"))
    await logWrite().catch((err: { stderr?: string; message: string }) =>
      console.log(`  log-write section failed: ${(err.stderr || err.message).split("\n")[0]}`),
    );

  const services = await startServices();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pustaka-bench-"));
  let fake: FakeBotApi | undefined;
  let app: AppProcess | undefined;
  let counters: Counters | undefined;
  try {
    const baselines: Baseline[] = [];
    if (runs("baseline")) {
      console.log("\n== bare BullMQ baseline (before)");
      baselines.push(await bareBullmq(services.redisUrl, BURST, CONCURRENCY, "bare1"));
    }

    fake = await FakeBotApi.start();
    const port = await freePort();
    const serviceEnv = (listen: number, countsFile: string): Record<string, string> => ({
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX: "bench",
      TELEGRAM_BOT_TOKEN: fake!.token,
      TELEGRAM_API_ROOT: fake!.apiRoot,
      TELEGRAM_MAX_PER_SECOND: "10000",
      // The burst measures the pipeline, not Telegram's limits: 50 replies per chat at once.
      TELEGRAM_CHAT_MAX_PER_SECOND: "10000",
      // A burst sends 50 messages per chat: every one must be answered.
      INBOUND_MAX_PER_MINUTE: "1000",
      RELAY_CONCURRENCY: String(CONCURRENCY),
      PORT: String(listen),
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      BENCH_QUERY_COUNTS: path.join(dataDir, countsFile),
      // the fan-out signs in 50 librarians from one address
      STAFF_LOGIN_MAX_PER_15MIN: "1000",
    });
    app = startApp(["all"], serviceEnv(port, "statements.json"), process.env.BENCH_CPU_PROF);
    await waitHealthy(port, app);
    counters = await Counters.open(services.databaseUrl, services.redisUrl, services.database);
    const service = app;
    const watched = {
      app: app.child.pid!,
      fake: fake.pid,
      redis: services.redisPid,
      counters,
      statements: () => readStatements(service, path.join(dataDir, "statements.json")),
    };
    let chat = 1_000_000;

    // Warm up (statements prepared, caches, JIT) on chats the measured runs do not use.
    await fake.run({
      op: "burst",
      chats: 50,
      perChat: 4,
      text: "jam buka perpustakaan?",
      firstChat: chat,
      timeoutMs: 60_000,
    });
    chat += 1000;

    let b: Awaited<ReturnType<typeof burst>> | undefined;
    if (runs("burst")) {
      console.log(`\n== end-to-end burst (load average ${loadAverage()})`);
      b = await burst(fake, watched, CHATS, Math.ceil(BURST / CHATS), chat);
      chat += CHATS;
    }

    if (runs("baseline")) {
      console.log("\n== bare BullMQ baseline (after)");
      baselines.push(await bareBullmq(services.redisUrl, BURST, CONCURRENCY, "bare2"));
    }

    const rows = [];
    if (runs("latency")) {
      console.log(`\n== fixed-rate latency, fresh chats (load average ${loadAverage()})`);
      for (const rate of RATES) {
        rows.push(await fixedRate(fake, watched, rate, RATE_SECONDS, chat));
        chat += rate * RATE_SECONDS + 10;
      }
    }

    if (runs("soak")) {
      console.log(`\n== soak, ${SOAK} messages (load average ${loadAverage()})`);
      const soaked = app;
      const heap = () => readHeapAfterGc(soaked, path.join(dataDir, "statements.json"));
      await soak(fake, app.child.pid!, heap, services.redisUrl, "bench", SOAK, CHATS, chat);
      chat += CHATS * 10;
    }

    const fanouts = [];
    if (runs("fanout")) {
      console.log(`\n== console fan-out (load average ${loadAverage()})`);
      const base = {
        databaseUrl: services.databaseUrl,
        sockets: SOCKETS,
        chats: 20,
        perSecond: FANOUT_RATE,
        seconds: RATE_SECONDS * 2,
      };
      fanouts.push(
        await fanout(fake, watched, {
          ...base,
          webUrls: [`http://127.0.0.1:${port}`],
          firstChat: chat,
          label: "1 web node",
        }),
      );
      chat += 100;
      const port2 = await freePort();
      const web2 = startApp(["web"], serviceEnv(port2, "statements-web2.json"));
      try {
        await waitHealthy(port2, web2);
        fanouts.push(
          await fanout(
            fake,
            { ...watched, others: { "web 2": web2.child.pid! } },
            {
              ...base,
              webUrls: [`http://127.0.0.1:${port}`, `http://127.0.0.1:${port2}`],
              firstChat: chat,
              label: "2 web nodes",
            },
          ),
        );
        chat += 100;
      } finally {
        await web2.stop();
      }
    }

    const scaled = [];
    if (runs("scaleout")) {
      // The all-in-one service stops: the topologies below are the whole system each.
      await counters.close();
      counters = undefined;
      await app.stop();
      app = undefined;
      console.log(
        `\n== scale-out: the same burst, roles in separate processes (load average ${loadAverage()})`,
      );
      for (const relays of [1, 2]) {
        scaled.push(
          await scaleOut({
            fake,
            relays,
            env: serviceEnv,
            databaseUrl: services.databaseUrl,
            redisUrl: services.redisUrl,
            database: services.database,
            redisPid: services.redisPid,
            countsDir: dataDir,
            chats: CHATS,
            perChat: Math.ceil(BURST / CHATS),
            firstChat: chat,
          }),
        );
        chat += CHATS;
      }
    }

    const bare = baselines.reduce((s, x) => s + x.perSecond, 0) / baselines.length;
    console.log("\n== summary");
    console.log(`| measurement | figure |\n|---|---|`);
    if (b) console.log(`| burst ${BURST} from ${CHATS} chats | ${b.perSecond.toFixed(0)} msg/s |`);
    if (baselines.length)
      console.log(
        `| bare BullMQ two-hop, concurrency ${CONCURRENCY} | ${baselines.map((x) => x.perSecond.toFixed(0)).join(" / ")} jobs/s |`,
      );
    if (b) {
      console.log(
        `| service CPU per message (burst) | ${b.cpuMsPerMessage.app.toFixed(2)} ms (bare: ${baselines.map((x) => x.cpuMsPerJob.toFixed(2)).join(" / ")} ms) |`,
      );
      console.log(
        `| per message (burst) | ${b.perMessage.pg.xact_commit!.toFixed(2)} PostgreSQL transactions, ${b.perMessage.redisTotal.toFixed(1)} Redis commands |`,
      );
    }
    for (const r of rows)
      console.log(
        `| latency at ${r.perSecond} msg/s | p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.replies}/${r.count}) |`,
      );
    for (const f of fanouts)
      console.log(
        `| console fan-out, ${f.sockets} sockets, ${f.nodes} web node(s), ${f.perSecond} msg/s | message:new p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms; conversation:changed p99 ${f.changedP99.toFixed(0)} ms (${f.delivered}/${f.expected}) |`,
      );
    for (const x of scaled)
      console.log(
        `| burst, web+bot and ${x.relays} relay process(es) | ${x.perSecond.toFixed(0)} msg/s, service CPU ${x.cpuMsPerMessage.toFixed(2)} ms/msg (${x.perProcess}) |`,
      );
    if (b) console.log(`\n${b.perSecond.toFixed(0)} msg/s`);
    if (b && baselines.length) console.log(`ratio to bare BullMQ: ${(b.perSecond / bare).toFixed(2)}`);
    console.log(`(load average ${loadAverage()}, ${((Date.now() - t0) / 1000).toFixed(0)} s in all)`);
  } finally {
    await counters?.close();
    await app?.stop();
    await fake?.stop();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
