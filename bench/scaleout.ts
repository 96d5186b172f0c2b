/**
 * Section: scale-out. The same burst as the end-to-end section, with the roles in separate
 * processes: `main.ts web bot` (intake, egress, console) in one and `relay` in `relays` more (the
 * BullMQ workers of the inbound queue; a conversation's order holds across them, see
 * docs/message-path.md). CPU is counted per process and summed; statements are summed over the
 * processes' counters. Each run starts its processes and stops them at the end.
 */
import path from "node:path";
import { Counters } from "./counters";
import { measured, printMeasured, type Watched } from "./measure";
import { readStatements, startApp, waitHealthy, type AppProcess, type FakeBotApi } from "./processes";
import { QUESTION } from "./burst";
import { freePort } from "../test/helpers/process";

export interface ScaleOutOptions {
  fake: FakeBotApi;
  relays: number;
  /** the service's environment for a process listening on `port`, counting statements to `countsFile` */
  env: (port: number, countsFile: string) => Record<string, string>;
  databaseUrl: string;
  redisUrl: string;
  database: string;
  redisPid: number;
  countsDir: string;
  chats: number;
  perChat: number;
  firstChat: number;
}

export async function scaleOut(o: ScaleOutOptions) {
  const processes: Array<{ label: string; app: AppProcess; counts: string }> = [];
  let counters: Counters | undefined;
  try {
    const port = await freePort();
    const front = {
      label: "web+bot",
      app: startApp(["web", "bot"], o.env(port, "so-front.json")),
      counts: "so-front.json",
    };
    processes.push(front);
    for (let i = 1; i <= o.relays; i++) {
      // A relay listens only for its metrics when METRICS_PORT is set; PORT is the web role's.
      const counts = `so-relay${i}.json`;
      processes.push({
        label: `relay ${i}`,
        app: startApp(["relay"], o.env(await freePort(), counts)),
        counts,
      });
    }
    await waitHealthy(port, front.app);
    counters = await Counters.open(o.databaseUrl, o.redisUrl, o.database);
    // Warm up every process (prepared statements, JIT) on chats the measured burst does not use.
    await o.fake.run({
      op: "burst",
      chats: 50,
      perChat: 4,
      text: QUESTION,
      firstChat: o.firstChat + 500_000,
      timeoutMs: 60_000,
    });

    const watched: Watched = {
      app: front.app.child.pid!,
      others: Object.fromEntries(processes.slice(1).map((p) => [p.label, p.app.child.pid!])),
      fake: o.fake.pid,
      redis: o.redisPid,
      counters,
      statements: async () => {
        const sum: Record<string, number> = {};
        for (const p of processes)
          for (const [k, v] of Object.entries(await readStatements(p.app, path.join(o.countsDir, p.counts))))
            sum[k] = (sum[k] ?? 0) + v;
        return sum;
      },
    };
    const m = await measured(watched, () =>
      o.fake.run({
        op: "burst",
        chats: o.chats,
        perChat: o.perChat,
        text: QUESTION,
        firstChat: o.firstChat,
        timeoutMs: 300_000,
      }),
    );
    const r = m.result;
    const perSecond = r.replies / r.seconds;
    console.log(
      `scale-out, web+bot + ${o.relays} relay process(es): ${r.sent} messages from ${o.chats} chats → ${r.replies} replies in ${r.seconds.toFixed(2)} s: ${perSecond.toFixed(0)} msg/s`,
    );
    printMeasured(m);
    return {
      relays: o.relays,
      perSecond,
      cpuMsPerMessage: m.cpuMsPerMessage.app,
      perProcess: m.perProcess
        .map(([k, v]) => `${k === "service" ? "web+bot" : k} ${v.toFixed(2)}`)
        .join(", "),
    };
  } finally {
    await counters?.close();
    for (const p of processes) await p.app.stop();
  }
}
