/**
 * A redis-server of the test's own on a free loopback port, to restart under running processes:
 * with AOF (`appendfsync always`: every acknowledged write is on disk) or with no persistence at
 * all (this machine's default: a restart comes back empty). Same binary lookup and supervision
 * as the quickstart's private Redis (shared/quickstart).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { findOnPath, supervise, type SupervisedChild } from "../../shared/quickstart/processes";
import { freePort } from "./process";

export class PrivateRedis {
  private server: SupervisedChild | undefined;
  private child: ChildProcess | undefined;

  private constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly dir: string,
    readonly persistence: "aof" | "none",
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(persistence: "aof" | "none"): Promise<PrivateRedis> {
    const binary = await findOnPath("redis-server", ["/usr/bin", "/usr/sbin", "/usr/local/bin"]);
    if (!binary) throw new Error("redis-server not found: sudo apt-get install redis-server");
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pustaka-redis-"));
    const redis = new PrivateRedis(binary, await freePort(), dir, persistence);
    await redis.launch();
    return redis;
  }

  /** `kill -9` (nothing gets a chance to be flushed) and the same server again on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async kill(): Promise<void> {
    const { child, server } = this;
    if (!child || !server || server.exit() !== undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    await server.stop(); // already dead: only forgets the exit handler
  }

  /** Stops the server and removes its files; idempotent. */
  async close(): Promise<void> {
    await this.server?.stop();
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const aof = this.persistence === "aof";
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", ""];
    args.push("--appendonly", aof ? "yes" : "no", ...(aof ? ["--appendfsync", "always"] : []));
    const child = spawn(this.binary, args, { stdio: "ignore" });
    const server = supervise(child, 5000);
    this.server = server;
    this.child = child;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (server.exit() !== undefined) throw new Error(`redis-server ${server.exit()}`);
      if (await this.ping()) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${this.port} in 15 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      connectTimeout: 500,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
