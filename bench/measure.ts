/** Around one section: CPU and RSS of each process, PostgreSQL and Redis work, per message. */
import { Counters, delta } from "./counters";
import { sample, sumOf, type ProcSample } from "./proc-stats";

export interface Watched {
  app: number;
  /** more service processes (scale-out: relays, a second web node), by label; CPU counted per process and in the service's total */
  others?: Record<string, number>;
  fake: number;
  redis: number;
  counters: Counters;
  /** SQL statements the service sent so far, by their first words (bench/query-counter.ts) */
  statements: () => Promise<Record<string, number>>;
}

export async function measured<T extends { replies: number }>(w: Watched, run: () => Promise<T>) {
  const pgPids = await w.counters.backendPids();
  const before = await w.counters.read();
  const q0 = await w.statements();
  const others = Object.entries(w.others ?? {});
  const o0 = others.map(([, pid]) => sample(pid));
  const pg0 = new Map(pgPids.map((pid) => [pid, sample(pid).cpuMs]));
  const s0 = { app: sample(w.app), fake: sample(w.fake), redis: sample(w.redis), pg: sumOf(pgPids) };
  const result = await run();
  // Backends opened during the run (a new pool connection, another process) count from zero; one
  // that closed before the end is not counted (its /proc entry is gone).
  const pgPids1 = await w.counters.backendPids();
  const pgCpu = pgPids1.reduce((sum, pid) => sum + sample(pid).cpuMs - (pg0.get(pid) ?? 0), 0);
  const s1 = {
    app: sample(w.app),
    fake: sample(w.fake),
    redis: sample(w.redis),
    pg: { cpuMs: s0.pg.cpuMs + pgCpu, rssMb: sumOf(pgPids1).rssMb },
  };
  const o1 = others.map(([, pid]) => sample(pid));
  const after = await w.counters.read();
  const q1 = await w.statements();
  const n = Math.max(1, result.replies);
  const cpu = (a: ProcSample, b: ProcSample) => (b.cpuMs - a.cpuMs) / n;
  const perProcess = others.map(([label], i) => [label, cpu(o0[i]!, o1[i]!)] as const);
  return {
    result,
    /** the first service process, then the others (each per message of the whole section) */
    perProcess: [["service", cpu(s0.app, s1.app)] as const, ...perProcess],
    cpuMsPerMessage: {
      app: cpu(s0.app, s1.app) + perProcess.reduce((sum, [, v]) => sum + v, 0),
      fake: cpu(s0.fake, s1.fake),
      redis: cpu(s0.redis, s1.redis),
      postgres: cpu(s0.pg, s1.pg),
    },
    rssMb: { app: s1.app.rssMb, fake: s1.fake.rssMb, redis: s1.redis.rssMb },
    perMessage: delta(before, after, n),
    statements: Object.entries(q1)
      .map(([k, v]): [string, number] => [k, (v - (q0[k] ?? 0)) / n])
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]),
  };
}

export function printMeasured(m: Awaited<ReturnType<typeof measured>>): void {
  const c = m.cpuMsPerMessage;
  console.log(
    `  CPU ms/message: service ${c.app.toFixed(2)}${m.perProcess.length > 1 ? ` (${m.perProcess.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")})` : ""}, fake Bot API ${c.fake.toFixed(2)}, redis ${c.redis.toFixed(2)}, postgres backends ${c.postgres.toFixed(2)}`,
  );
  console.log(
    `  RSS MB: service ${m.rssMb.app.toFixed(0)}, fake ${m.rssMb.fake.toFixed(0)}, redis ${m.rssMb.redis.toFixed(0)}`,
  );
  const pg = m.perMessage.pg;
  console.log(
    `  PostgreSQL per message: ${pg.xact_commit!.toFixed(2)} transactions, ${pg.idx_scan!.toFixed(1)} index scans, ` +
      `${pg.tup_fetched!.toFixed(1)} tuples fetched, ${pg.tup_inserted!.toFixed(2)} inserted, ${pg.tup_updated!.toFixed(2)} updated`,
  );
  const byTable = Object.entries(pg)
    .filter(([k, v]) => k.startsWith("read:") && v >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  if (byTable.length)
    console.log(
      `  tuples read per message, by table: ${byTable
        .map(([k, v]) => {
          const seq = pg[`seqread:${k.slice(5)}`] ?? 0;
          return `${k.slice(5)} ${v.toFixed(1)}${seq >= 0.05 ? ` (${seq.toFixed(1)} by sequential scans)` : ""}`;
        })
        .join(", ")}`,
    );
  const total = m.statements.reduce((sum, [, v]) => sum + v, 0);
  console.log(`  SQL statements per message: ${total.toFixed(2)}`);
  for (const [k, v] of m.statements.slice(0, Number(process.env.BENCH_SHOW_STATEMENTS ?? 8)))
    console.log(`    ${v.toFixed(2)}  ${k}`);
  console.log(
    `  Redis per message: ${m.perMessage.redisTotal.toFixed(1)} commands (${m.perMessage.redisTop
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ")})`,
  );
}
