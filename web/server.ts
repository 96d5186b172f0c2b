/**
 * The web role's HTTP server: /healthz, channel webhooks, and extensions (the librarian console
 * with its Socket.IO; the web chat later). Listens only on the configured host and port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebhookRoute } from "../bot/channel";
import { errorMessage } from "../shared/errors";
import { once } from "../shared/lifecycle";
import type { Logger } from "../shared/logger";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** More of the web role on the same server (the librarian console): its own routes, and upgrades. */
export interface WebExtension {
  /** called once with the HTTP server before it listens (Socket.IO attaches here) */
  attach?(server: Server): void;
  /** true when it handled the request */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

export interface WebOptions {
  host: string;
  port: number;
  logger: Logger;
  health: () => Promise<HealthReport>;
  routes: WebhookRoute[];
  extensions?: WebExtension[];
}

export class WebServer {
  private readonly server: Server;

  constructor(private readonly options: WebOptions) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.headersTimeout = 15_000;
    this.server.requestTimeout = 30_000;
    for (const extension of options.extensions ?? []) extension.attach?.(this.server);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.options.logger.info({ url: this.url }, "web listening");
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  readonly close = once(async () => {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  });

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    res.setHeader("x-content-type-options", "nosniff");
    try {
      if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
        const report = await this.options.health();
        res.writeHead(report.ok ? 200 : 503, {
          "content-type": "application/json",
          "cache-control": "no-store",
        });
        res.end(req.method === "HEAD" ? undefined : JSON.stringify(report));
        return;
      }
      const route = this.options.routes.find((r) => r.path === path);
      if (route) {
        await route.handle(req, res);
        return;
      }
      for (const extension of this.options.extensions ?? []) {
        if (await extension.handle(req, res, path!)) return;
      }
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
    } catch (err) {
      this.options.logger.error({ err: errorMessage(err), path }, "web: request failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }
}
