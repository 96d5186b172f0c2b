/**
 * Small helpers the quickstart's private servers share (PostgreSQL, Redis, MariaDB): is a port
 * open, where is a binary, run a program (as the service user when we are root).
 */
import { execFile, type ChildProcess } from "node:child_process";
import { constants as fsConstants, promises as fs } from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../errors";

export interface Endpoint {
  host: string;
  port: number;
}

export type Log = (line: string) => void;

/** What one half of ensureLocalServices hands back; stop() is a no-op for servers we only found. */
export interface LocalServer {
  url: string;
  stop(): Promise<void>;
}

/** Runs a server's tools as its service user when we are root (initdb and mariadbd refuse root). */
export interface Runner {
  wrap(command: string, args: string[]): [file: string, args: string[]];
  /** set when running as root: the data directory must belong to this user */
  owner: { uid: number; gid: number } | undefined;
}

/** Whether something accepts a TCP connection at `endpoint` within `timeoutMs`. */
export function isPortOpen({ host, port }: Endpoint, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** The first executable `name` on PATH, then in `extraDirs`. */
export async function findOnPath(name: string, extraDirs: string[] = []): Promise<string | undefined> {
  for (const dir of [...pathDirs(), ...extraDirs]) {
    const file = path.join(dir, name);
    if (await isExecutable(file)) return file;
  }
  return undefined;
}

export function pathDirs(): string[] {
  return (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

export function runAs(
  runner: Runner,
  command: string,
  args: string[],
  options?: { cwd?: string; timeoutMs?: number },
) {
  return run(...runner.wrap(command, args), options);
}

/** Runs a program to completion. Resolves with its exit code; rejects only if it could not run. */
export function run(
  file: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, encoding: "utf8", maxBuffer: 4 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") {
          const reason = err.killed
            ? `timed out after ${(options.timeoutMs ?? 30_000) / 1000} s`
            : err.message;
          reject(
            new AppError("LOCAL_SERVICE_UNAVAILABLE", `${path.basename(file)} ${reason}`, { cause: err }),
          );
          return;
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

export function lastLines(text: string, count = 4): string {
  return text.trim().split("\n").slice(-count).join("\n");
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A private server we started as our child: why it ended (if it did), and a stop that waits. */
export interface SupervisedChild {
  /** undefined while it runs; else how it ended ("exited with code 1", "killed by SIGKILL", …) */
  exit(): string | undefined;
  /** SIGTERM (a clean shutdown), SIGKILL after `stopTimeoutMs`; idempotent */
  stop(): Promise<void>;
}

export function supervise(child: ChildProcess, stopTimeoutMs: number): SupervisedChild {
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once("error", (err) => {
      exit = `could not run: ${err.message}`;
      resolve();
    });
  });
  // Node's own exit (process.exit, an uncaught error) skips stop(); a synchronous kill still works.
  const killOnExit = () => child.kill("SIGTERM");
  process.on("exit", killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.off("exit", killOnExit);
      if (exit !== undefined) return;
      child.kill("SIGTERM");
      const timer = delay(stopTimeoutMs, "timeout", { ref: false });
      if ((await Promise.race([exited, timer])) === "timeout" && exit === undefined) {
        child.kill("SIGKILL");
        await exited;
      }
    })());
  return { exit: () => exit, stop };
}
