/**
 * Channel webhooks (shared/webhook.ts) mounted on Fastify: only POST reaches a route (else 405);
 * its credentials are checked before the body is read (403); the body is read raw, whatever its
 * content type, up to the route's limit (a larger or broken one: 400).
 */
import type { FastifyPluginAsync } from "fastify";
import { errorMessage } from "../shared/errors";
import type { Logger } from "../shared/logger";
import { DEFAULT_WEBHOOK_BODY_BYTES, type WebhookRoute } from "../shared/webhook";

export function webhookRoutes(routes: readonly WebhookRoute[], logger: Logger): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    for (const route of routes) {
      app.all(route.path, {
        bodyLimit: route.maxBodyBytes ?? DEFAULT_WEBHOOK_BODY_BYTES,
        onRequest: async (request, reply) => {
          if (request.method !== "POST") return reply.code(405).send();
          if (route.authorize && !route.authorize(request.headers)) return reply.code(403).send();
        },
        errorHandler: (err, request, reply) => {
          // Reading the body failed (too large, cut off) or the adapter threw.
          const unreadable = typeof err.code === "string" && err.code.startsWith("FST_ERR_CTP_");
          if (unreadable) {
            logger.warn({ err: errorMessage(err), path: route.path }, "webhook: unreadable body");
            return reply.code(400).send();
          }
          logger.error({ err: errorMessage(err), path: route.path }, "web: request failed");
          return reply.code(500).send();
        },
        handler: async (request, reply) => {
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const res = await route.handle({ headers: request.headers, body });
          reply.code(res.status);
          if (res.headers) reply.headers(res.headers);
          return reply.send(res.body);
        },
      });
    }
  };
}
