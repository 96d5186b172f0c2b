/**
 * The librarian console on the web role: wiring and lifecycle only. The page and its JSON API
 * are served over HTTP; the live part is Socket.IO (typed events: ./events.ts) with handlers by
 * topic in ./sockets/, and three background parts: the presence loop, the session sweeper and
 * the fan-out of relay/egress events to rooms.
 *
 * Security: staff sign in with a password (argon2id) and get an httpOnly SameSite=Strict
 * session cookie; logins are rate limited per username and per address; every page and API
 * response carries helmet's headers (a CSP that allows only our own scripts); state-changing
 * HTTP requests need our own Origin and the session's CSRF token; a Socket.IO handshake from a
 * foreign Origin is refused before it reaches the server, and the connection is authenticated
 * in middleware from the same cookie. Auditors read; only librarians and admins write.
 *
 * Scale: several web nodes share one Socket.IO cluster through @socket.io/redis-streams-adapter
 * (connection-state recovery works across nodes). Relay and egress tell the console about
 * patrons' messages and delivery through a Redis stream read in one consumer group (see
 * shared/console-events.ts). PostgreSQL is the source of truth: a reloaded page reads it.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { join, resolve } from "node:path";
import helmet from "helmet";
import type { Redis } from "ioredis";
import { Conversations } from "./conversations";
import type { Db } from "../../shared/db";
import { errorMessage } from "../../shared/errors";
import { once } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import type { MessageLog } from "../../shared/message-log";
import { Presence } from "../../shared/presence";
import { OutboundDrains } from "../../shared/queues";
import { createRedis } from "../../shared/redis";
import { StaffError, StaffStore, STAFF_ROLES, type Session } from "./staff";
import type { StaffRole } from "../../shared/entities/staff-user";
import type { LibrarySystem } from "../../shared/library/port";
import {
  clearedSessionCookie,
  clientAddress,
  HttpError,
  LoginLimiter,
  originAllowed,
  readJson,
  sendJson,
  sessionCookie,
  sessionToken,
} from "./auth";
import { MAX_REPLY_CHARS } from "./events";
import { Broadcaster } from "./broadcaster";
import { EventFanout } from "./event-fanout";
import { PresenceLoop } from "./presence-loop";
import { ROOM, type ConsoleIo } from "./rooms";
import { SessionSweeper } from "./session-sweeper";
import { createConsoleIo, meOf } from "./socket-io";
import { connected } from "./sockets/connection";
import { toId } from "./sockets/input";

export interface ConsoleOptions {
  db: Db;
  log: MessageLog;
  /** commands (rate limits, presence, queues); blocking readers get their own connections */
  redis: Redis;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  allowedOrigins: readonly string[];
  secureCookie: boolean;
  loginMaxPer15Min: number;
  sessionHours: number;
  /** the library system, for the patron panel's loans */
  library?: LibrarySystem;
  /** times in the console are shown in the library's time zone, wherever the librarian is */
  timeZone?: string;
  /** how long a dropped socket may come back and miss nothing (default 60 s) */
  recoveryMs?: number;
  /** how often live sockets are checked against their sessions (ended, expired, account disabled) */
  sessionCheckMs?: number;
}

const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/console.js": { file: "console.js", type: "text/javascript; charset=utf-8" },
  "/console.css": { file: "console.css", type: "text/css; charset=utf-8" },
};

function publicDir(): string {
  // From source (tsx) the page sits beside this file; from dist/ it is in the source tree.
  const candidates = [join(__dirname, "public"), resolve(__dirname, "../../../web/console/public")];
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? candidates[0]!;
}

/** The parts that exist once Socket.IO is attached to the HTTP server. */
interface Live {
  io: ConsoleIo;
  presence: PresenceLoop;
  sweeper: SessionSweeper;
  fanout: EventFanout;
}

export class ConsoleServer {
  readonly staff: StaffStore;
  readonly conversations: Conversations;
  private live: Live | undefined;
  private readonly presence: Presence;
  private readonly limiter: LoginLimiter;
  private readonly helmet: ReturnType<typeof helmet>;
  private readonly dir = publicDir();
  private readonly outbound: OutboundDrains;
  private readonly connections: Redis[] = [];
  private readonly nodeId = randomBytes(6).toString("hex");

  constructor(private readonly options: ConsoleOptions) {
    this.outbound = new OutboundDrains(options.redis, options.prefix);
    this.staff = new StaffStore(options.db);
    this.conversations = new Conversations(options.db);
    this.presence = new Presence(options.redis, options.prefix);
    this.limiter = new LoginLimiter(options.redis, options.prefix, options.loginMaxPer15Min);
    this.helmet = helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'"],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          "connect-src": ["'self'"],
          "upgrade-insecure-requests": options.secureCookie ? [] : null,
        },
      },
      strictTransportSecurity: options.secureCookie,
    });
  }

  private get io(): ConsoleIo | undefined {
    return this.live?.io;
  }

  /** Attach Socket.IO to the web role's HTTP server (before it listens). */
  attach(server: HttpServer): void {
    const { options } = this;
    const io = createConsoleIo(server, {
      staff: this.staff,
      adapterRedis: this.connection("console-adapter"),
      prefix: options.prefix,
      allowedOrigins: options.allowedOrigins,
      recoveryMs: options.recoveryMs ?? 60_000,
    });
    const broadcast = new Broadcaster(io, this.conversations, options.log, this.outbound);
    const presence = new PresenceLoop(io, this.presence, options.logger);
    const deps = {
      io,
      staff: this.staff,
      conversations: this.conversations,
      log: options.log,
      outbound: this.outbound,
      presence: this.presence,
      broadcast,
      logger: options.logger,
      ...(options.library ? { library: options.library } : {}),
    };
    io.on("connection", (socket) =>
      connected(socket, deps, presence).catch((err) => {
        options.logger.error({ err: errorMessage(err) }, "console: connection setup failed");
        socket.disconnect(true);
      }),
    );
    this.live = {
      io,
      presence,
      sweeper: new SessionSweeper(io, this.staff, options.logger, options.sessionCheckMs),
      fanout: new EventFanout({
        blocking: this.connection("console-events"),
        commands: options.redis,
        prefix: options.prefix,
        consumer: `web-${this.nodeId}`,
        broadcast,
        logger: options.logger,
      }),
    };
  }

  async start(): Promise<void> {
    if (!this.live) return;
    await this.live.fanout.start();
    this.live.presence.start();
    this.live.sweeper.start();
  }

  /** In reverse order of start; the HTTP server itself is the web role's to close. */
  readonly close = once(async () => {
    if (this.live) {
      const { io, presence, sweeper, fanout } = this.live;
      await sweeper.close();
      await presence.close();
      await fanout.close();
      io.local.disconnectSockets(true);
      // Not io.close(): that would close the HTTP server too, which the web role does itself.
      io.engine.close();
      await Promise.resolve(io.of("/").adapter.close());
    }
    await this.outbound.close();
    for (const c of this.connections) c.disconnect();
  });

  // ------------------------------------------------------------------ HTTP

  /** Handles the console's routes; false when the path is not the console's. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const page = STATIC[path];
    const isApi = path.startsWith("/api/");
    if (!page && !isApi) return false;
    await new Promise<void>((resolve, reject) =>
      this.helmet(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
    );
    try {
      if (page) {
        if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "method not allowed");
        const body = await readFile(join(this.dir, page.file));
        res.writeHead(200, { "content-type": page.type, "cache-control": "no-cache" });
        res.end(req.method === "HEAD" ? undefined : body);
        return true;
      }
      await this.api(req, res, path);
    } catch (err) {
      if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
      else if (err instanceof StaffError)
        sendJson(res, err.code === "not_found" ? 404 : err.code === "exists" ? 409 : 400, {
          error: err.message,
        });
      else throw err;
    }
    return true;
  }

  private async api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const { options } = this;
    if (req.method === "GET") {
      const session = await this.staff.session(sessionToken(req));
      if (path === "/api/session") {
        if (!session) throw new HttpError(401, "not signed in");
        return sendJson(res, 200, {
          me: meOf(session),
          csrfToken: session.csrfToken,
          timeZone: options.timeZone ?? "Asia/Jakarta",
        });
      }
      if (path === "/api/staff") {
        this.require(session, ["admin"]);
        return sendJson(res, 200, { staff: await this.staff.list() });
      }
      throw new HttpError(404, "not found");
    }
    if (req.method !== "POST") throw new HttpError(405, "method not allowed");
    // Every state-changing request: our own Origin (no login CSRF either), then a JSON body.
    if (!originAllowed(req, options.allowedOrigins, true)) throw new HttpError(403, "origin not allowed");
    if (path === "/api/login") return this.login(req, res);
    const session = await this.staff.session(sessionToken(req));
    if (!session) throw new HttpError(401, "not signed in");
    if (!sameSecret(String(req.headers["x-csrf-token"] ?? ""), session.csrfToken))
      throw new HttpError(403, "missing or wrong CSRF token");
    const body = await readJson(req);
    switch (path) {
      case "/api/logout": {
        await this.staff.endSession(session.id);
        await this.staff.audit(session.staff.id, "staff.logout", `staff:${session.staff.id}`);
        this.io?.in(ROOM.session(session.id)).disconnectSockets(true);
        return sendJson(res, 200, { ok: true }, { "set-cookie": clearedSessionCookie(options.secureCookie) });
      }
      case "/api/staff": {
        this.require(session, ["admin"]);
        const role = String(body.role ?? "") as StaffRole;
        if (!STAFF_ROLES.includes(role)) throw new HttpError(400, "unknown role");
        const added = await this.staff.add({
          username: String(body.username ?? ""),
          displayName: String(body.displayName ?? ""),
          role,
          password: String(body.password ?? ""),
        });
        await this.staff.audit(session.staff.id, "staff.add", `staff:${added.id}`, { role });
        return sendJson(res, 201, { staff: added });
      }
      case "/api/staff/password": {
        this.require(session, ["admin"]);
        await this.staff.setPassword(String(body.username ?? ""), String(body.password ?? ""));
        await this.staff.audit(session.staff.id, "staff.passwd", `staff:${String(body.username)}`);
        return sendJson(res, 200, { ok: true });
      }
      case "/api/staff/active": {
        this.require(session, ["admin"]);
        if (String(body.username).toLowerCase() === session.staff.username.toLowerCase())
          throw new HttpError(400, "you cannot disable yourself");
        const changed = await this.staff.setActive(String(body.username ?? ""), body.active === true);
        await this.staff.audit(
          session.staff.id,
          changed.active ? "staff.enable" : "staff.disable",
          `staff:${changed.id}`,
        );
        if (!changed.active) this.io?.in(ROOM.person(changed.id)).disconnectSockets(true);
        return sendJson(res, 200, { staff: changed });
      }
      case "/api/canned": {
        this.require(session, ["admin"]);
        const title = String(body.title ?? "").trim();
        const text = String(body.text ?? "").trim();
        if (!title || title.length > 80 || !text || text.length > MAX_REPLY_CHARS)
          throw new HttpError(400, "a title (≤ 80) and a text are required");
        return sendJson(res, 201, {
          reply: await this.conversations.addCannedReply(title, text, session.staff.id),
        });
      }
      case "/api/canned/delete": {
        this.require(session, ["admin"]);
        const ok = await this.conversations.deleteCannedReply(toId(body.id) ?? 0, session.staff.id);
        return sendJson(res, ok ? 200 : 404, { ok });
      }
      default:
        throw new HttpError(404, "not found");
    }
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { options } = this;
    const body = await readJson(req, 4096);
    const username = typeof body.username === "string" ? body.username.trim() : "";
    const password = typeof body.password === "string" ? body.password : "";
    if (!username || !password) throw new HttpError(400, "username and password are required");
    const wait = await this.limiter.take(username, clientAddress(req));
    if (wait > 0) {
      await this.staff.audit(null, "staff.login_limited", null, { username, address: clientAddress(req) });
      return sendJson(res, 429, { error: "too many attempts" }, { "retry-after": String(wait) });
    }
    const staff = await this.staff.verify(username, password);
    if (!staff) {
      await this.staff.audit(null, "staff.login_failed", null, { username, address: clientAddress(req) });
      throw new HttpError(401, "wrong username or password");
    }
    await this.limiter.reset(username);
    const ttl = options.sessionHours * 3600;
    const { token, session } = await this.staff.createSession(staff, ttl * 1000, req.headers["user-agent"]);
    await this.staff.audit(staff.id, "staff.login", `staff:${staff.id}`, { address: clientAddress(req) });
    sendJson(
      res,
      200,
      { me: meOf(session), csrfToken: session.csrfToken, timeZone: options.timeZone ?? "Asia/Jakarta" },
      { "set-cookie": sessionCookie(token, ttl, options.secureCookie) },
    );
  }

  private require(session: Session | null, roles: readonly StaffRole[]): asserts session is Session {
    if (!session) throw new HttpError(401, "not signed in");
    if (!roles.includes(session.staff.role)) throw new HttpError(403, "not allowed for your role");
  }

  private connection(name: string): Redis {
    const c = createRedis(this.options.redisUrl, `pustaka-relay:${name}`);
    c.on("error", (err) => this.options.logger.warn({ err: err.message, name }, "redis connection error"));
    this.connections.push(c);
    return c;
  }
}

/** Constant-time comparison of two secrets (CSRF tokens). */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
