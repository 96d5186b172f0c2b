/**
 * Preloaded into the service by the bench (`--import ./bench/query-counter.ts`): counts the SQL
 * statements the process sends, by their first words (pg_stat_statements is not preloaded on
 * this server). On SIGUSR2 it writes the counts to BENCH_QUERY_COUNTS; the bench reads deltas.
 * With --expose-gc it also collects garbage and writes the heap left (`<file>.heap.json`): the
 * soak's leak check is the heap after a full GC, not RSS (a V8 sawtooth).
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const file = process.env.BENCH_QUERY_COUNTS;
if (file) {
  const pg = createRequire(`${process.cwd()}/package.json`)("pg") as typeof import("pg");
  const counts: Record<string, number> = {};
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === "string" ? q : ((q as { text?: string } | undefined)?.text ?? "");
    const key = text.replace(/\s+/g, " ").trim().slice(0, 70);
    counts[key] = (counts[key] ?? 0) + 1;
    return original.apply(this, args);
  };
  process.on("SIGUSR2", () => {
    // The heap first: the bench waits for the counts file, so both are written when it changes.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      const m = process.memoryUsage();
      writeFileSync(
        `${file}.heap.json`,
        JSON.stringify({ heapUsedMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 }),
      );
    }
    writeFileSync(file, JSON.stringify(counts));
  });
}
