/** The service as a real child process (main.ts through tsx), for tests of what an operator sees. */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

const ROOT = `${__dirname}/../..`;

/** A port nothing listens on right now (bound by the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Running {
  child: ChildProcess;
  /** everything it printed so far (stdout and stderr) */
  output: () => string;
  exited: Promise<number | null>;
}

/** `node --import tsx main.ts <args>` with only PATH, HOME and `env` in its environment. */
export function runService(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ["--import", "tsx", "main.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  return { child, output: () => out, exited: once(child, "exit").then(([code]) => code as number | null) };
}

/** SIGKILL every one of `running` still alive, and wait until all have exited. */
export async function killAll(running: readonly Running[]): Promise<void> {
  for (const r of running)
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
  await Promise.all(running.map((r) => r.exited));
}
