/**
 * Section: open-loop fixed rates, one message each from fresh chats; latency from "update
 * available at the fake" to "sendMessage received by the fake" (both timed in the fake's process).
 */
import type { FakeBotApi } from "./processes";
import { QUESTION } from "./burst";
import { measured, printMeasured, type Watched } from "./measure";

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

export async function fixedRate(
  fake: FakeBotApi,
  w: Watched,
  perSecond: number,
  seconds: number,
  firstChat: number,
) {
  const count = Math.round(perSecond * seconds);
  const m = await measured(w, () =>
    fake.run({ op: "rate", perSecond, count, text: QUESTION, firstChat, timeoutMs: 60_000 }),
  );
  const sorted = [...m.result.latencies].sort((a, b) => a - b);
  const row = {
    perSecond,
    count,
    replies: m.result.replies,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
  console.log(
    `rate ${perSecond} msg/s × ${seconds} s: ${row.replies}/${count} answered, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, max ${row.max.toFixed(1)} ms`,
  );
  printMeasured(m);
  return { ...row, cpu: m.cpuMsPerMessage };
}
