/**
 * METRICS_PORT: a listener that serves only GET /metrics, for the bot and relay processes (which
 * serve nothing else) or to keep metrics off the web role's public port. It binds HOST like the
 * web role (127.0.0.1 unless configured): nothing listens beyond what is configured.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { errorMessage } from "../errors";
import { once } from "../lifecycle";
import type { Logger } from "../logger";
import type { MetricsEndpoint } from "./exposition";

export class MetricsListener {
  private readonly server: Server;

  constructor(
    private readonly options: { host: string; port: number; endpoint: MetricsEndpoint; logger: Logger },
  ) {
    this.server = createServer((request, response) => {
      response.setHeader("x-content-type-options", "nosniff");
      const path = (request.url ?? "").split("?")[0];
      if (path !== "/metrics" || (request.method !== "GET" && request.method !== "HEAD")) {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
        return;
      }
      const refused = options.endpoint.refuse(request.headers.authorization);
      if (refused) {
        response.writeHead(refused, { "www-authenticate": 'Bearer realm="metrics"' }).end();
        return;
      }
      options.endpoint.render().then(
        ({ contentType, body }) =>
          response.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body),
        (err: unknown) => {
          options.logger.error({ err: errorMessage(err) }, "metrics: rendering failed");
          response.writeHead(500).end();
        },
      );
    });
    // A scraper keeps its connection open between scrapes; closing must not wait for it.
    this.server.keepAliveTimeout = 5_000;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.options.logger.info({ url: this.url }, "metrics listening");
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/metrics`;
  }

  readonly close = once(async () => {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  });
}
