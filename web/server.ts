/**
 * The web role's HTTP server, on Fastify: /healthz, channel webhooks, and extensions (the
 * librarian console with its Socket.IO; the web chat later), each an encapsulated plugin.
 * Listens only on the configured host and port. Every response says `nosniff`; an unknown path
 * is a plain-text 404; a failure is logged and answered 500 with no body.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import { errorMessage } from "../shared/errors";
import { once } from "../shared/lifecycle";
import type { HealthReport } from "../shared/health";
import type { Logger } from "../shared/logger";
import type { MetricsEndpoint } from "../shared/metrics/exposition";
import type { WebhookRoute } from "../shared/webhook";
import { webhookRoutes } from "./webhooks";

/** More of the web role on the same server (the librarian console): its routes, and upgrades. */
export interface WebExtension {
  /** called once with the HTTP server before it listens (Socket.IO attaches here) */
  attach?(server: Server): void;
  /** its HTTP routes, registered as an encapsulated plugin (its hooks and parsers stay inside) */
  routes: FastifyPluginAsync;
}

export interface WebOptions {
  host: string;
  port: number;
  logger: Logger;
  health: () => Promise<HealthReport>;
  routes: WebhookRoute[];
  extensions?: WebExtension[];
  /**
   * TRUST_PROXY: whose X-Forwarded-For makes `request.ip` (none by default: the socket's peer). A
   * hop count trusts that many proxies nearest to us; a list trusts those addresses / CIDRs.
   */
  trustProxy?: false | number | readonly string[];
  /** GET /metrics (Prometheus), behind its bearer token; absent: not served on this port */
  metrics?: MetricsEndpoint;
}

export class WebServer {
  private readonly app: FastifyInstance;

  constructor(private readonly options: WebOptions) {
    const app = Fastify({
      // We log failures ourselves (one line each); no per-request logs.
      logger: false,
      requestTimeout: 30_000,
      // Node's own default (Fastify's is 72 s): idle keep-alive sockets go as they did before.
      keepAliveTimeout: 5_000,
      // While closing, requests in flight and on open connections are still answered normally.
      return503OnClosing: false,
      trustProxy: fastifyTrustProxy(options.trustProxy),
    });
    app.server.headersTimeout = 15_000;
    this.app = app;

    app.addHook("onRequest", async (_request, reply) => {
      reply.header("x-content-type-options", "nosniff");
    });
    // Bodies are read only where a route wants them (each plugin has its own parsers); an
    // unknown path with a body of any type is still a 404, not a 415.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
    app.setErrorHandler((err, request, reply) => {
      options.logger.error(
        { err: errorMessage(err), path: request.url.split("?")[0] },
        "web: request failed",
      );
      return reply.code(500).send();
    });
    app.setNotFoundHandler((_request, reply) =>
      reply.code(404).type("text/plain; charset=utf-8").send("Not found\n"),
    );

    app.get("/healthz", async (_request, reply) => {
      const report = await options.health();
      return reply
        .code(report.ok ? 200 : 503)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .send(Buffer.from(JSON.stringify(report))); // a Buffer: Fastify adds no charset
    });
    const metrics = options.metrics;
    if (metrics) {
      app.get("/metrics", async (request, reply) => {
        const refused = metrics.refuse(request.headers.authorization);
        if (refused) return reply.code(refused).header("www-authenticate", 'Bearer realm="metrics"').send();
        const { contentType, body } = await metrics.render();
        return reply.header("content-type", contentType).header("cache-control", "no-store").send(body);
      });
    }
    void app.register(webhookRoutes(options.routes, options.logger));
    for (const extension of options.extensions ?? []) {
      extension.attach?.(app.server);
      void app.register(extension.routes);
    }
  }

  async start(): Promise<void> {
    await this.app.listen({ port: this.options.port, host: this.options.host });
    this.options.logger.info({ url: this.url }, "web listening");
  }

  get url(): string {
    const address = this.app.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  readonly close = once(async () => {
    await this.app.close();
  });
}

/**
 * TRUST_PROXY as Fastify takes it. A hop count becomes a function: this Fastify refuses a plain
 * number (a direct client could then forge the header), and a hop count is indeed only safe when
 * no client can reach us except through those proxies (HOST=127.0.0.1 behind a local proxy);
 * a list of the proxies' addresses is checked against each hop.
 */
function fastifyTrustProxy(
  trust: WebOptions["trustProxy"],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  if (typeof trust === "object") return [...trust];
  return false;
}
