/**
 * What every JSON plugin under /api shares (the console's API, the auditor's): replies never
 * cached, JSON objects only (any other body type is refused unread), and errors as
 * `{ error }` with the status we expect — anything else is logged and answered 500 with no
 * detail (nothing internal leaks to the page).
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import { HttpError } from "../http-error";
import { StaffError, type StaffErrorCode } from "./staff";

/** preValidation of every JSON POST: the body must say it is JSON. */
export async function jsonOnly(request: FastifyRequest): Promise<void> {
  if (!String(request.headers["content-type"] ?? "").startsWith("application/json"))
    throw new HttpError(415, "expected application/json");
}

/** Installs the conventions on `app` (a plugin's own scope); `label` names it in the error log. */
export function useJsonApi(app: FastifyInstance, logger: Logger, label: string): void {
  app.decorateRequest("staffSession", null);
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      const value: unknown = JSON.parse(String(body) || "{}");
      if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
      done(null, value);
    } catch {
      done(new HttpError(400, "malformed JSON"), undefined);
    }
  });
  // Any other type is refused by jsonOnly, unread.
  app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = httpStatus(err);
    if (known) return reply.code(known.status).send({ error: known.message });
    logger.error({ err: errorMessage(err), path: request.url.split("?")[0] }, `${label} failed`);
    return reply.code(500).send();
  });
}

const STAFF_STATUS: Record<StaffErrorCode, number> = {
  STAFF_INVALID: 400,
  STAFF_USERNAME_TAKEN: 409,
  STAFF_NOT_FOUND: 404,
};

/** The 4xx reply for an error we expect (ours, the stores', Fastify's body handling); null for a failure. */
function httpStatus(err: FastifyError): { status: number; message: string } | null {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  if (err instanceof StaffError) return { status: STAFF_STATUS[err.code], message: err.message };
  if (err.validation) return { status: 400, message: err.message };
  if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") return { status: 413, message: "request body too large" };
  if (typeof err.code === "string" && err.code.startsWith("FST_ERR_CTP_"))
    return { status: 400, message: "malformed JSON" };
  return null;
}
