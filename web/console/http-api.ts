/**
 * The console's JSON API under /api (route types: ./api.ts). Bodies are JSON objects, validated
 * by each route's schema (types only: what a field must contain is the stores' business, so
 * their messages reach the page unchanged). Order of checks on a POST, as before Fastify: our
 * own Origin (403), then — except /api/login — a live session (401) and its CSRF token (403),
 * then the body (415 not JSON, 413 too large, 400 malformed), then the route.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { StaffRole } from "../../shared/entities/staff-user";
import type { Logger } from "../../shared/logger";
import type { DeadLetters } from "../../shared/log/dead-letters";
import type { ApiBody, ApiError, ApiReply, ApiRoute } from "./api";
import {
  auditThisRefusal,
  bounded,
  clearedSessionCookie,
  clientAddress,
  MAX_STORED,
  type LoginLimiter,
  sessionCookie,
  sessionToken,
} from "./auth";
import { requestGuards, requireRole } from "./guards";
import { jsonOnly, useJsonApi } from "./json-api";
import { HttpError } from "../http-error";
import type { Conversations } from "./conversations";
import type { LibrarianTexts } from "./librarian-texts";
import { MAX_REPLY_CHARS } from "./events";
import { ROOM, type ConsoleIo } from "./rooms";
import { meOf } from "./socket-io";
import { STAFF_ROLES, type Session, type StaffStore } from "./staff";
import { toId } from "./sockets/input";

export interface HttpApiOptions {
  staff: StaffStore;
  conversations: Conversations;
  /** updates that could not be recorded (read-only here) */
  deadLetters: DeadLetters;
  librarianTexts: LibrarianTexts;
  limiter: LoginLimiter;
  logger: Logger;
  allowedOrigins: readonly string[];
  secureCookie: boolean;
  sessionHours: number;
  timeZone: string;
  /** the console's Socket.IO, to drop the sockets of a session that ended here */
  io: () => ConsoleIo | undefined;
}

const LOGIN_BODY_LIMIT = 4096;
const BODY_LIMIT = 64 * 1024;

/** A route's types for Fastify: the body as it may arrive (every field optional), its replies. */
type Route<R extends ApiRoute> = { Body: Partial<ApiBody<R>>; Reply: ApiReply<R> | ApiError };

const str = { type: "string" } as const;
const object = (properties: Record<string, object>) => ({ type: "object", properties }) as const;
const SCHEMAS = {
  login: object({ username: str, password: str }),
  empty: object({}),
  staffAdd: object({ username: str, displayName: str, role: str, password: str }),
  staffPassword: object({ username: str, password: str }),
  // `active` must be exactly true to enable; anything else disables, as before.
  staffActive: object({ username: str, active: {} }),
  canned: object({ title: str, text: str }),
  // anyOf rather than a type list: Ajv's strict mode warns on union types.
  cannedDelete: object({ id: { anyOf: [{ type: "integer" }, { type: "string" }] } }),
};

declare module "fastify" {
  interface FastifyRequest {
    /** the signed-in staff session of a state-changing console request (set by its guard) */
    staffSession: Session | null;
  }
}

export function httpApi(options: HttpApiOptions): FastifyPluginAsync {
  const { staff, librarianTexts } = options;
  const sessionInfo = (session: Session) => ({
    me: meOf(session),
    csrfToken: session.csrfToken,
    timeZone: options.timeZone,
  });

  // ---- guards (onRequest: before the body is read): ./guards.ts
  const { sameOrigin, signedInWithCsrf } = requestGuards(staff, options.allowedOrigins);

  const post = { onRequest: signedInWithCsrf, preValidation: jsonOnly, bodyLimit: BODY_LIMIT };
  const admin = (request: FastifyRequest): Session => requireRole(request.staffSession, ["admin"]);

  return async (app) => {
    useJsonApi(app, options.logger, "web: request");
    // Unknown API paths: 404 for GET, 405 for other methods; an unknown POST passes the guards first.
    app.setNotFoundHandler(async (request, reply) => {
      if (request.method === "POST") await signedInWithCsrf(request);
      else if (request.method !== "GET") throw new HttpError(405, "method not allowed");
      return reply.code(404).send({ error: "not found" });
    });

    app.get<Route<"GET /api/session">>("/session", { exposeHeadRoute: false }, async (request) => {
      const session = await staff.session(sessionToken(request.raw));
      if (!session) throw new HttpError(401, "not signed in");
      return sessionInfo(session);
    });

    app.get<Route<"GET /api/staff">>("/staff", { exposeHeadRoute: false }, async (request) => {
      requireRole(await staff.session(sessionToken(request.raw)), ["admin"]);
      return { staff: await staff.list() };
    });

    app.get<Route<"GET /api/dead-letters">>("/dead-letters", { exposeHeadRoute: false }, async (request) => {
      requireRole(await staff.session(sessionToken(request.raw)), ["admin", "librarian"]);
      return { deadLetters: await options.deadLetters.list() };
    });

    app.post<Route<"POST /api/login">>(
      "/login",
      {
        onRequest: sameOrigin,
        preValidation: jsonOnly,
        bodyLimit: LOGIN_BODY_LIMIT,
        schema: { body: SCHEMAS.login },
      },
      async (request, reply) => login(request, reply),
    );

    const login = async (request: FastifyRequest<Route<"POST /api/login">>, reply: FastifyReply) => {
      const body = request.body ?? {};
      const username = typeof body.username === "string" ? body.username.trim() : "";
      const password = typeof body.password === "string" ? body.password : "";
      if (!username || !password) throw new HttpError(400, "username and password are required");
      const address = clientAddress(request);
      const attempt = await options.limiter.take(username, address);
      if (attempt.waitSeconds > 0) {
        const count = await options.limiter.limitedAuditCount(attempt.limit!, attempt.key!);
        if (auditThisRefusal(count))
          await staff.audit(null, "staff.login_limited", null, {
            username: bounded(username, MAX_STORED.username),
            address,
            limit: attempt.limit,
            refusedInWindow: count,
          });
        return reply
          .code(429)
          .header("retry-after", String(attempt.waitSeconds))
          .send({ error: "too many attempts" });
      }
      const verified = await staff.verify(username, password);
      if (!verified) {
        // Bounded: at most STAFF_LOGIN_MAX_PER_15MIN rows per username and address in 15 minutes.
        await staff.audit(null, "staff.login_failed", null, {
          username: bounded(username, MAX_STORED.username),
          address,
        });
        throw new HttpError(401, "wrong username or password");
      }
      await options.limiter.reset(username, address);
      const ttl = options.sessionHours * 3600;
      const { token, session } = await staff.createSession(
        verified,
        ttl * 1000,
        request.headers["user-agent"], // createSession stores at most 300 characters of it
      );
      await staff.audit(verified.id, "staff.login", `staff:${verified.id}`, { address });
      return reply
        .header("set-cookie", sessionCookie(token, ttl, options.secureCookie))
        .send(sessionInfo(session));
    };

    app.post<Route<"POST /api/logout">>(
      "/logout",
      { ...post, schema: { body: SCHEMAS.empty } },
      async (request, reply) => {
        const session = request.staffSession!;
        await staff.endSession(session.id);
        await staff.audit(session.staff.id, "staff.logout", `staff:${session.staff.id}`);
        options.io()?.in(ROOM.session(session.id)).disconnectSockets(true);
        return reply
          .header("set-cookie", clearedSessionCookie(options.secureCookie))
          .send({ ok: true as const });
      },
    );

    app.post<Route<"POST /api/staff">>(
      "/staff",
      { ...post, schema: { body: SCHEMAS.staffAdd } },
      async (request, reply) => {
        const session = admin(request);
        const body = request.body ?? {};
        const role = (body.role ?? "") as StaffRole;
        if (!STAFF_ROLES.includes(role)) throw new HttpError(400, "unknown role");
        const added = await staff.add({
          username: body.username ?? "",
          displayName: body.displayName ?? "",
          role,
          password: body.password ?? "",
        });
        await staff.audit(session.staff.id, "staff.add", `staff:${added.id}`, { role });
        return reply.code(201).send({ staff: added });
      },
    );

    app.post<Route<"POST /api/staff/password">>(
      "/staff/password",
      { ...post, schema: { body: SCHEMAS.staffPassword } },
      async (request) => {
        const session = admin(request);
        const body = request.body ?? {};
        await staff.setPassword(body.username ?? "", body.password ?? "");
        await staff.audit(session.staff.id, "staff.passwd", `staff:${String(body.username)}`);
        return { ok: true as const };
      },
    );

    app.post<Route<"POST /api/staff/active">>(
      "/staff/active",
      { ...post, schema: { body: SCHEMAS.staffActive } },
      async (request) => {
        const session = admin(request);
        const body = request.body ?? {};
        if (String(body.username).toLowerCase() === session.staff.username.toLowerCase())
          throw new HttpError(400, "you cannot disable yourself");
        const changed = await staff.setActive(String(body.username ?? ""), body.active === true);
        await staff.audit(
          session.staff.id,
          changed.active ? "staff.enable" : "staff.disable",
          `staff:${changed.id}`,
        );
        if (!changed.active) options.io()?.in(ROOM.person(changed.id)).disconnectSockets(true);
        return { staff: changed };
      },
    );

    app.post<Route<"POST /api/canned">>(
      "/canned",
      { ...post, schema: { body: SCHEMAS.canned } },
      async (request, reply) => {
        const session = admin(request);
        const title = (request.body?.title ?? "").trim();
        const text = (request.body?.text ?? "").trim();
        if (!title || title.length > 80 || !text || text.length > MAX_REPLY_CHARS)
          throw new HttpError(400, "a title (≤ 80) and a text are required");
        return reply
          .code(201)
          .send({ reply: await librarianTexts.addCannedReply(title, text, session.staff.id) });
      },
    );

    app.post<Route<"POST /api/canned/delete">>(
      "/canned/delete",
      { ...post, schema: { body: SCHEMAS.cannedDelete } },
      async (request, reply) => {
        const session = admin(request);
        const ok = await librarianTexts.deleteCannedReply(toId(request.body?.id) ?? 0, session.staff.id);
        return reply.code(ok ? 200 : 404).send({ ok });
      },
    );
  };
}
