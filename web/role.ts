/**
 * The web role: one HTTP server (Fastify) for /healthz, the channels' webhooks, the librarian
 * console with its Socket.IO and, when the web chat channel is configured, the widget (its script,
 * /demo and its own Socket.IO). Listens only on the configured host and port.
 */
import type { RoleContext } from "../shared/health";
import type { Logger } from "../shared/logger";
import type { MetricsEndpoint } from "../shared/metrics/exposition";
import type { WebhookRoute } from "../shared/webhook";
import { ConsoleServer, type ConsoleOptions } from "./console/server";
import { WebServer } from "./server";
import { WebchatServer, type WebchatServerOptions } from "./webchat/server";

export interface WebRoleOptions {
  host: string;
  port: number;
  /** the channels' webhook routes (built by the bot side's adapters, served here) */
  routes: WebhookRoute[];
  logger: Logger;
  trustProxy?: false | number | readonly string[];
  console: Omit<ConsoleOptions, "logger">;
  /** the web chat widget, when its channel is configured */
  webchat?: Omit<WebchatServerOptions, "logger">;
  /** /metrics on this port (only when METRICS_TOKEN is set: the port is public) */
  metrics?: MetricsEndpoint;
}

export async function startWeb(
  ctx: RoleContext,
  options: WebRoleOptions,
): Promise<{ web: WebServer; librarianConsole: ConsoleServer; webchat: WebchatServer | undefined }> {
  const logger = options.logger.child({ role: "web" });
  const librarianConsole = new ConsoleServer({
    ...options.console,
    logger: logger.child({ part: "console" }),
  });
  const webchat = options.webchat
    ? new WebchatServer({ ...options.webchat, logger: logger.child({ part: "webchat" }) })
    : undefined;
  const web = new WebServer({
    host: options.host,
    port: options.port,
    logger,
    health: ctx.health.report,
    routes: options.routes,
    extensions: webchat ? [librarianConsole, webchat] : [librarianConsole],
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  await web.start();
  ctx.closer.add("web", () => web.close());
  await librarianConsole.start();
  // Closed before the HTTP server: live sockets would keep it open.
  ctx.closer.add("console", () => librarianConsole.close());
  if (webchat) {
    await webchat.start();
    ctx.closer.add("webchat", () => webchat.close());
  }
  return { web, librarianConsole, webchat };
}
