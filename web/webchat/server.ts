/**
 * The web chat widget on the web role (docs/ARCHITECTURE.md, "The web chat widget"): the script
 * at /webchat/widget.js, the demo page at /demo, and the widget's Socket.IO (socket.ts). Patron
 * messages go to the channel's endpoint (recorded by the ingress before the widget's send is
 * acknowledged); replies come back on the Redis outbox, read whole by every web node and pushed
 * to the session's sockets on this node. A librarian's file is offered to the session it was sent
 * to as a link to /webchat/media/<id> (media.ts); the patron cannot send files from the widget.
 *
 * The script is refused (403) to a page whose Origin (or, lacking one, Referer) is neither ours
 * nor allowed; the snippet loads it with crossorigin="anonymous", so a browser always says which
 * page asks, and gets CORS headers for the allowed ones. A request that names no page at all
 * (curl) gets it: the script is public, and the socket refuses a foreign page anyway.
 */
import { readFileSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import { join } from "node:path";
import type { FastifyPluginAsync } from "fastify";
import type { Redis } from "ioredis";
import type { Server } from "socket.io";
import type { Db } from "../../shared/db";
import { errorMessage } from "../../shared/errors";
import { once } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import type { MediaStore } from "../../shared/media/store";
import { createRedis } from "../../shared/redis";
import { sessionRoom, type WebchatEndpoint } from "../../shared/webchat";
import { WidgetPushReader } from "../../shared/webchat-outbox";
import { originAllowed } from "../console/auth";
import { consoleHeaders } from "../console/static";
import type { TrustProxy } from "./address";
import { WidgetLimits } from "./limits";
import { WidgetMediaLinks, widgetMediaRoute } from "./media";
import { buildWidgetScript, widgetPublicDir, type WidgetScript } from "./script";
import { WidgetSessions } from "./session";
import { createWidgetIo, type WidgetNamespace } from "./socket";

export const WIDGET_SCRIPT_PATH = "/webchat/widget.js";
export const DEMO_PATH = "/demo";

export interface WebchatServerOptions {
  endpoint: WebchatEndpoint;
  db: Db;
  /** commands (rate limits); the outbox reader gets its own connection from redisUrl */
  redis: Redis;
  redisUrl: string;
  prefix: string;
  /** SECRET_BOX_KEY: the session tokens' and the file links' MAC keys are derived from it */
  secretKey: Buffer;
  /** where librarians' attachments are read from, for the widget's download links */
  media: MediaStore;
  trustProxy: TrustProxy;
  /** CONSOLE_SECURE_COOKIE: the demo page gets the same HSTS as the console */
  secureCookie: boolean;
  logger: Logger;
}

export class WebchatServer {
  readonly script: WidgetScript;
  private readonly demo: { html: Buffer; css: Buffer };
  private readonly sessions: WidgetSessions;
  private readonly limits: WidgetLimits;
  private readonly links: WidgetMediaLinks;
  private io: Server | undefined;
  private nsp: WidgetNamespace | undefined;
  private reader: WidgetPushReader | undefined;

  /** Widgets connected to this node now (/metrics). */
  get clients(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  constructor(private readonly options: WebchatServerOptions) {
    const dir = widgetPublicDir();
    this.script = buildWidgetScript(dir);
    this.demo = { html: readFileSync(join(dir, "demo.html")), css: readFileSync(join(dir, "demo.css")) };
    this.sessions = new WidgetSessions(options.secretKey);
    this.links = new WidgetMediaLinks(options.secretKey);
    this.limits = new WidgetLimits(options.redis, options.prefix, options.endpoint.limits);
  }

  readonly routes: FastifyPluginAsync = async (app) => {
    const { allowedOrigins } = this.options.endpoint;
    // The script: no helmet here (its same-origin resource policy would keep it off other sites).
    app.get(WIDGET_SCRIPT_PATH, async (request, reply) => {
      reply.header("vary", "Origin, Referer, Accept-Encoding");
      if (!originAllowed(request.raw, allowedOrigins, false))
        return reply.code(403).type("text/plain; charset=utf-8").send("This site may not embed the chat.\n");
      const origin = request.headers.origin;
      if (origin) reply.header("access-control-allow-origin", origin);
      reply
        .header("content-type", "text/javascript; charset=utf-8")
        .header("cross-origin-resource-policy", "cross-origin")
        .header("cache-control", "public, max-age=300");
      if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? "")))
        return reply.header("content-encoding", "gzip").send(this.script.gzip);
      return reply.send(this.script.js);
    });
    await app.register(widgetMediaRoute(this.links, this.options.media, this.options.logger));
    // The demo page, under the console's CSP: only our own scripts and styles.
    await app.register(async (demo) => {
      await consoleHeaders(demo, this.options.secureCookie);
      demo.get(DEMO_PATH, async (_request, reply) =>
        reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(this.demo.html),
      );
      demo.get("/webchat/demo.css", async (_request, reply) =>
        reply.type("text/css; charset=utf-8").header("cache-control", "no-cache").send(this.demo.css),
      );
    });
  };

  attach(server: HttpServer): void {
    const { io, nsp } = createWidgetIo(server, {
      endpoint: this.options.endpoint,
      sessions: this.sessions,
      limits: this.limits,
      db: this.options.db,
      trustProxy: this.options.trustProxy,
      logger: this.options.logger,
      links: this.links,
    });
    this.io = io;
    this.nsp = nsp;
  }

  async start(): Promise<void> {
    const { logger } = this.options;
    const blocking = createRedis(this.options.redisUrl, "pustaka-relay:webchat-outbox");
    blocking.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
    this.reader = new WidgetPushReader({
      blocking,
      prefix: this.options.prefix,
      onPush: (push) => {
        const room = this.nsp?.local.to(sessionRoom(push.sessionId));
        if (push.type === "message")
          room?.emit(
            "message",
            push.attachment
              ? { ...push.entry, file: this.links.file(push.attachment, push.sessionId) }
              : push.entry,
          );
        else room?.emit("mask", { key: push.key });
      },
      onError: (err) => logger.warn({ err: errorMessage(err) }, "webchat: outbox read failed"),
    });
    await this.reader.start();
  }

  /** Before the HTTP server: live sockets would keep it open. */
  readonly close = once(async () => {
    await this.reader?.close();
    if (this.io) {
      this.io.local.disconnectSockets(true);
      this.nsp?.local.disconnectSockets(true);
      // Not io.close(): that would close the HTTP server, which the web role closes itself.
      this.io.engine.close();
    }
  });
}
