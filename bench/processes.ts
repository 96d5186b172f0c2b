/**
 * The processes under measurement: the fake Bot API (bench/fake-bot-api.ts) and the service
 * itself (`main.ts all`, every role in one process like `npm start`), each a child of the bench.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

export interface Done {
  op: "done";
  sent: number;
  replies: number;
  seconds: number;
  latencies: number[];
}

export class FakeBotApi {
  private constructor(
    readonly child: ChildProcess,
    readonly token: string,
    readonly apiRoot: string,
  ) {}

  static async start(): Promise<FakeBotApi> {
    const child = fork(path.join(__dirname, "fake-bot-api.ts"), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const [ready] = (await once(child, "message")) as [{ token: string; apiRoot: string }];
    return new FakeBotApi(child, ready.token, ready.apiRoot);
  }

  get pid(): number {
    return this.child.pid!;
  }

  async run(command: Record<string, unknown>): Promise<Done> {
    const answer = once(this.child, "message");
    this.child.send(command);
    return (await answer)[0] as Done;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, "exit");
    this.child.send({ op: "stop" });
    await exited;
  }
}

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** `node --import tsx main.ts <roles>`; `cpuProfDir` adds --cpu-prof (written at a clean exit). */
export function startApp(roles: string[], env: Record<string, string>, cpuProfDir?: string): AppProcess {
  const flags = cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`] : [];
  const counter = ["--expose-gc", "--import", "./bench/query-counter.ts"];
  const child = spawn(process.execPath, [...flags, "--import", "tsx", ...counter, "main.ts", ...roles], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + String(d)).slice(-20_000)));
  child.stderr!.on("data", (d) => (out = (out + String(d)).slice(-20_000)));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function waitHealthy(port: number, app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`the service exited:\n${app.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the service was not healthy within ${timeoutMs} ms:\n${app.output()}`);
}

/** Statement counts from bench/query-counter.ts in the service (SIGUSR2, then the file). */
export async function readStatements(app: AppProcess, file: string): Promise<Record<string, number>> {
  const { readFile, stat } = await import("node:fs/promises");
  const before = await stat(file).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  app.child.kill("SIGUSR2");
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const now = await stat(file).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if (now !== before) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 20));
  return JSON.parse(await readFile(file, "utf8").catch(() => "{}")) as Record<string, number>;
}

/** The service's heap after a full garbage collection, in MB (bench/query-counter.ts, SIGUSR2). */
export async function readHeapAfterGc(app: AppProcess, countsFile: string): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  await readStatements(app, countsFile); // the same signal writes the heap file just after
  const text = await readFile(`${countsFile}.heap.json`, "utf8").catch(() => "{}");
  return (JSON.parse(text) as { heapUsedMb?: number }).heapUsedMb ?? NaN;
}
