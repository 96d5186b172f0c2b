/** CPU time and RSS of a process from /proc (Linux): what each process costs, not the machine. */
import { readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface ProcSample {
  cpuMs: number;
  rssMb: number;
}

export function sample(pid: number): ProcSample {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may contain spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuMs, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return { cpuMs: 0, rssMb: 0 };
  }
}

/** PostgreSQL backends connected to `database` (their pids come from pg_stat_activity). */
export function sumOf(pids: number[]): ProcSample {
  return pids.map(sample).reduce((a, b) => ({ cpuMs: a.cpuMs + b.cpuMs, rssMb: a.rssMb + b.rssMb }), {
    cpuMs: 0,
    rssMb: 0,
  });
}

export function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
