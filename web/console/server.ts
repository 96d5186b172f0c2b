/**
 * The librarian console on the web role: the page and its JSON API over node:http, and the live
 * part over Socket.IO (typed events: ./events.ts).
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
import { createAdapter } from "@socket.io/redis-streams-adapter";
import helmet from "helmet";
import type { Redis } from "ioredis";
import { Server, type Socket } from "socket.io";
import { ConsoleEventReader, type ConsoleEvent } from "../../shared/console-events";
import { Conversations } from "./conversations";
import type { Db } from "../../shared/db";
import type { Language } from "../../shared/envelope";
import { errorMessage } from "../../shared/errors";
import { once } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import type { MessageLog } from "../../shared/log/message-log";
import { Presence } from "../../shared/presence";
import { OutboundDrains } from "../../shared/queues";
import { createRedis } from "../../shared/redis";
import { StaffError, StaffStore, STAFF_ROLES, type Session } from "./staff";
import type { StaffRole } from "../../shared/entities/staff-user";
import type { LibrarySystem } from "../../shared/library/port";
import { handoffTexts } from "../../shared/texts";
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
import {
  MAX_REPLY_CHARS,
  OUTCOMES,
  type Ack,
  type ClientToServerEvents,
  type ConversationDetail,
  type Me,
  type PatronPanel,
  type ServerToClientEvents,
  type SocketData,
} from "./events";

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

type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ConsoleIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const WRITERS: readonly StaffRole[] = ["librarian", "admin"];
const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/console.css": { file: "console.css", type: "text/css; charset=utf-8" },
};

/** A fixed page file, or one of the page's ES modules: /js/<path>.js (plain name segments, so no ".."). */
function staticFile(path: string): { file: string; type: string } | undefined {
  if (/^\/js\/(?:[a-z0-9-]+\/)*[a-z0-9-]+\.js$/.test(path))
    return { file: path.slice(1), type: "text/javascript; charset=utf-8" };
  return STATIC[path];
}

function publicDir(): string {
  // From source (tsx) the page sits beside this file; from dist/ it is in the source tree.
  const candidates = [join(__dirname, "public"), resolve(__dirname, "../../../web/console/public")];
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? candidates[0]!;
}

const ROOM = {
  staff: "staff",
  person: (id: number) => `staff:${id}`,
  session: (id: string) => `session:${id}`,
  conversation: (id: number) => `conv:${id}`,
};

export class ConsoleServer {
  readonly staff: StaffStore;
  readonly conversations: Conversations;
  private io: ConsoleIo | undefined;
  private readonly presence: Presence;
  private readonly limiter: LoginLimiter;
  private readonly helmet: ReturnType<typeof helmet>;
  private readonly dir = publicDir();
  private readonly outbound: OutboundDrains;
  private readonly connections: Redis[] = [];
  private reader: ConsoleEventReader | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  private readonly nodeId = randomBytes(6).toString("hex");
  private closing = false;

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

  /** Attach Socket.IO to the web role's HTTP server (before it listens). */
  attach(server: HttpServer): void {
    const { options } = this;
    const adapterRedis = this.connection("console-adapter");
    const io: ConsoleIo = new Server(server, {
      serveClient: true,
      cors: undefined,
      allowRequest: (req, callback) => {
        const ok = originAllowed(req, options.allowedOrigins, false);
        callback(ok ? null : "origin not allowed", ok);
      },
      connectionStateRecovery: {
        maxDisconnectionDuration: options.recoveryMs ?? 60_000,
        skipMiddlewares: true,
      },
      adapter: createAdapter(adapterRedis, {
        streamName: `${options.prefix}:socket.io`,
        channelPrefix: `${options.prefix}:socket.io`,
        sessionKeyPrefix: `${options.prefix}:sio:session:`,
        maxLen: 10_000,
      }),
    });
    io.use((socket, next) => {
      this.staff.session(sessionToken(socket.request)).then(
        (session) => {
          if (!session) return next(new Error("unauthorized"));
          socket.data.staff = meOf(session);
          socket.data.sessionId = session.id;
          next();
        },
        (err) => next(new Error(`unavailable: ${errorMessage(err)}`)),
      );
    });
    io.on("connection", (socket) =>
      this.connected(socket).catch((err) => {
        this.options.logger.error({ err: errorMessage(err) }, "console: connection setup failed");
        socket.disconnect(true);
      }),
    );
    this.io = io;
  }

  async start(): Promise<void> {
    this.reader = new ConsoleEventReader(
      this.connection("console-events"),
      this.options.prefix,
      `web-${this.nodeId}`,
      (event) => this.relayEvent(event),
      (err) => this.options.logger.warn({ err: errorMessage(err) }, "console: event stream"),
      this.options.redis,
    );
    await this.reader.start();
    this.presenceTimer = setInterval(() => void this.refreshPresence(), 15_000);
    this.presenceTimer.unref();
    // Sessions end in other ways than a socket's own logout: `npm run staff -- passwd|disable`
    // in another process, an admin's password reset, expiry. Every socket of this node is
    // checked against the database regularly, passive tabs included.
    this.sessionTimer = setInterval(
      () => void this.dropEndedSessions(),
      this.options.sessionCheckMs ?? 10_000,
    );
    this.sessionTimer.unref();
  }

  /** Disconnect this node's sockets whose session no longer exists. */
  private async dropEndedSessions(): Promise<void> {
    if (!this.io || this.closing) return;
    try {
      const sockets = [...this.io.of("/").sockets.values()];
      const valid = await this.staff.validSessionIds([...new Set(sockets.map((s) => s.data.sessionId))]);
      for (const socket of sockets) if (!valid.has(socket.data.sessionId)) socket.disconnect(true);
    } catch (err) {
      this.options.logger.warn({ err: errorMessage(err) }, "console: session check failed");
    }
  }

  readonly close = once(async () => {
    this.closing = true;
    clearInterval(this.presenceTimer);
    clearInterval(this.sessionTimer);
    await this.reader?.close();
    if (this.io) {
      this.io.local.disconnectSockets(true);
      // Not io.close(): that would close the HTTP server too, which the web role does itself.
      this.io.engine.close();
      await Promise.resolve(this.io.of("/").adapter.close());
    }
    await this.outbound.close();
    for (const c of this.connections) c.disconnect();
  });

  // ------------------------------------------------------------------ HTTP

  /** Handles the console's routes; false when the path is not the console's. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const page = staticFile(path);
    const isApi = path.startsWith("/api/");
    if (!page && !isApi) return false;
    await new Promise<void>((resolve, reject) =>
      this.helmet(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
    );
    try {
      if (page) {
        if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "method not allowed");
        const body = await readFile(join(this.dir, page.file)).catch((err: NodeJS.ErrnoException) => {
          throw err.code === "ENOENT" ? new HttpError(404, "not found") : err;
        });
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

  // ------------------------------------------------------------------ Socket.IO

  private async connected(socket: ConsoleSocket): Promise<void> {
    const me = socket.data.staff;
    if (!socket.recovered)
      void socket.join([ROOM.staff, ROOM.person(me.id), ROOM.session(socket.data.sessionId)]);
    socket.on("disconnect", () => void this.refreshPresence().then(() => this.broadcastPresence()));
    // A recovered socket skipped the auth middleware: check its session at its first event.
    let checkedAt = socket.recovered ? 0 : Date.now();
    // A socket lives for hours: re-check its session (logout elsewhere, disabled account) now and then.
    const stillValid = async () => {
      if (Date.now() - checkedAt < 30_000) return true;
      const session = await this.staff.sessionById(socket.data.sessionId);
      if (!session) {
        socket.disconnect(true);
        return false;
      }
      checkedAt = Date.now();
      return true;
    };
    const on = <E extends keyof ClientToServerEvents>(
      event: E,
      writer: boolean,
      handler: (...args: Parameters<ClientToServerEvents[E]>) => Promise<void>,
    ) => {
      socket.on(event, ((...args: Parameters<ClientToServerEvents[E]>) => {
        const ack = args[args.length - 1];
        const reply = typeof ack === "function" ? (ack as Ack) : () => undefined;
        void (async () => {
          try {
            if (!(await stillValid())) return;
            if (writer && !WRITERS.includes(me.role)) return reply({ ok: false, error: "forbidden" });
            await handler(...args);
          } catch (err) {
            this.options.logger.error({ err: errorMessage(err), event }, "console: event failed");
            reply({ ok: false, error: "failed" });
          }
        })();
      }) as never);
    };

    on("queue:list", false, async (ack) => {
      ack({ ok: true, conversations: await this.conversations.open() });
    });

    on("conversation:open", false, async (id, ack) => {
      const conversationId = toId(id);
      if (!conversationId) return ack({ ok: false, error: "invalid" });
      const detail = await this.detail(conversationId);
      if (!detail) return ack({ ok: false, error: "not_found" });
      await socket.join(ROOM.conversation(detail.conversation.id));
      ack({ ok: true, ...detail });
    });

    on("conversation:claim", true, async (id, ack) => {
      const conversationId = toId(id);
      if (!conversationId) return ack({ ok: false, error: "invalid" });
      const result = await this.conversations.claim(conversationId, me.id);
      if (!result.ok) return ack({ ok: false, error: result.reason });
      this.io!.in(ROOM.person(me.id)).socketsJoin(ROOM.conversation(conversationId));
      const summary = await this.conversations.summary(conversationId);
      if (summary) {
        await this.tellPatron(
          conversationId,
          me.id,
          handoffTexts.claimed(lang(summary.language), me.displayName),
          "assigned",
        );
        this.io!.to(ROOM.staff).emit("conversation:changed", summary);
      }
      ack({ ok: true });
    });

    on("conversation:transfer", true, async (input, ack) => {
      const conversationId = toId(input?.conversationId);
      const to = toId(input?.toStaffId);
      if (!conversationId || !to) return ack({ ok: false, error: "invalid" });
      const ok = await this.conversations.transfer(
        conversationId,
        me.role === "admin" ? null : me.id,
        to,
        me.id,
      );
      if (!ok) return ack({ ok: false, error: "not_assigned" });
      this.io!.in(ROOM.person(to)).socketsJoin(ROOM.conversation(conversationId));
      await this.emitSummary(conversationId);
      ack({ ok: true });
    });

    on("conversation:close", true, async (input, ack) => {
      const conversationId = toId(input?.conversationId);
      if (!conversationId) return ack({ ok: false, error: "invalid" });
      const outcome = OUTCOMES.includes(input?.outcome as (typeof OUTCOMES)[number]) ? input!.outcome! : null;
      const ok = await this.conversations.close(
        conversationId,
        me.role === "admin" ? null : me.id,
        outcome,
        me.id,
      );
      if (!ok) return ack({ ok: false, error: "not_assigned" });
      const summary = await this.conversations.summary(conversationId);
      await this.tellPatron(
        conversationId,
        me.id,
        handoffTexts.closedByLibrarian(lang(summary?.language ?? null)),
        "closed",
      );
      await this.emitSummary(conversationId);
      ack({ ok: true });
    });

    on("message:send", true, async (input, ack) => {
      const text = typeof input?.text === "string" ? input.text.trim() : "";
      const key = typeof input?.clientKey === "string" ? input.clientKey : "";
      if (!text || text.length > MAX_REPLY_CHARS || !/^[A-Za-z0-9_-]{8,64}$/.test(key))
        return ack({ ok: false, error: "invalid" });
      const conversationId = toId(input.conversationId);
      if (!conversationId) return ack({ ok: false, error: "invalid" });
      const recorded = await this.options.log.recordStaffMessage({
        conversationId,
        staffId: me.id,
        text,
        key,
        author: "librarian",
      });
      if (!recorded) return ack({ ok: false, error: "not_assigned" });
      await this.outbound.request(recorded.channel, conversationId);
      await this.emitMessage(conversationId, recorded.messageId);
      ack({ ok: true, messageId: recorded.messageId });
    });

    on("message:retry", true, async (messageId, ack) => {
      if (typeof messageId !== "string" || !/^\d{1,18}$/.test(messageId))
        return ack({ ok: false, error: "invalid" });
      const message = await this.conversations.message(messageId);
      if (!message || message.direction !== "out") return ack({ ok: false, error: "not_found" });
      const summary = await this.conversations.summary(message.conversationId);
      if (me.role !== "admin" && summary?.assignedStaffId !== me.id)
        return ack({ ok: false, error: "not_assigned" });
      const requeued = await this.options.log.requeueFailed(message.id);
      if (!requeued) return ack({ ok: false, error: "invalid" });
      await this.outbound.request(requeued.channel, requeued.conversationId);
      this.io!.to(ROOM.conversation(requeued.conversationId)).emit("message:status", {
        conversationId: requeued.conversationId,
        messageId: message.id,
        status: "queued",
        error: null,
      });
      ack({ ok: true });
    });

    on("note:add", true, async (input, ack) => {
      const text = typeof input?.text === "string" ? input.text.trim() : "";
      if (!text || text.length > MAX_REPLY_CHARS) return ack({ ok: false, error: "invalid" });
      const conversationId = toId(input.conversationId);
      if (!conversationId || !(await this.conversations.summary(conversationId)))
        return ack({ ok: false, error: "not_found" });
      const note = await this.conversations.addNote(conversationId, me.id, text);
      this.io!.to(ROOM.conversation(conversationId)).emit("note:new", note);
      ack({ ok: true });
    });

    on("canned:list", false, async (ack) => {
      ack({ ok: true, replies: await this.conversations.cannedReplies() });
    });

    on("staff:list", false, async (ack) => {
      const [all, online] = await Promise.all([
        this.staff.list(),
        this.presence.online().catch((): number[] => []),
      ]);
      ack({
        ok: true,
        staff: all
          .filter((s) => s.active)
          .map((s) => ({
            id: s.id,
            displayName: s.displayName,
            role: s.role,
            online: online.includes(s.id),
          })),
      });
    });

    on("search", false, async (query, ack) => {
      const q = query && typeof query === "object" ? query : {};
      const date = (v: unknown) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
      const text = typeof q.text === "string" ? q.text.slice(0, 200) : undefined;
      const memberId = typeof q.memberId === "string" ? q.memberId.slice(0, 50) : undefined;
      const from = date(q.from);
      const to = date(q.to);
      ack({
        ok: true,
        conversations: await this.conversations.search({
          ...(text ? { text } : {}),
          ...(memberId ? { memberId } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        }),
      });
    });

    on("patron:verify", true, async (input, ack) => {
      const memberId = typeof input?.memberId === "string" ? input.memberId.trim() : "";
      if (!memberId || memberId.length > 50) return ack({ ok: false, error: "invalid" });
      if (this.options.library && !(await this.options.library.getMember(memberId)))
        return ack({ ok: false, error: "not_found" });
      const conversationId = toId(input.conversationId);
      if (!conversationId) return ack({ ok: false, error: "invalid" });
      // Vouching for a patron's identity is for the librarian talking with them (or an admin).
      const summary = await this.conversations.summary(conversationId);
      if (!summary) return ack({ ok: false, error: "not_found" });
      if (me.role !== "admin" && !(summary.state === "assigned" && summary.assignedStaffId === me.id))
        return ack({ ok: false, error: "forbidden" });
      const ok = await this.conversations.verifyPatron(conversationId, memberId, me.id);
      if (!ok) return ack({ ok: false, error: "not_found" });
      await this.emitSummary(conversationId);
      ack({ ok: true });
    });

    // Handlers are registered above, synchronously: a request sent right after connecting is not lost.
    if (socket.recovered && !(await this.staff.sessionById(socket.data.sessionId))) {
      socket.disconnect(true);
      return;
    }
    // Also after a recovery: a conversation claimed or transferred to me during the blip has a
    // room this socket never joined.
    const mine = (await this.conversations.open()).filter((c) => c.assignedStaffId === me.id);
    await socket.join(mine.map((c) => ROOM.conversation(c.id)));
    socket.emit("hello", me);
    if (me.role !== "auditor") {
      await this.presence.refresh([me.id]).catch(() => undefined);
      await this.broadcastPresence();
    }
  }

  private async detail(conversationId: number): Promise<ConversationDetail | null> {
    const conversation = await this.conversations.summary(conversationId);
    if (!conversation) return null;
    const [messages, notes, patron] = await Promise.all([
      this.conversations.history(conversationId),
      this.conversations.notes(conversationId),
      this.patronPanel(conversationId),
    ]);
    return { conversation, messages, notes, patron };
  }

  private async patronPanel(conversationId: number): Promise<PatronPanel> {
    const p = await this.conversations.patron(conversationId);
    const panel: PatronPanel = {
      name: p?.name ?? "",
      memberId: p?.memberId ?? null,
      verified: p?.verified ?? false,
      loans: null,
    };
    if (p?.memberId && this.options.library) {
      try {
        const loans = await this.options.library.currentLoans(p.memberId);
        panel.loans = loans.map((l) => ({
          title: l.title,
          itemCode: l.itemCode,
          dueDate: l.dueDate,
          daysLate: l.daysLate,
        }));
      } catch (err) {
        panel.loansError = errorMessage(err);
      }
    }
    return panel;
  }

  /** A notice to the patron from the console ("a librarian joined"), queued like any reply. */
  private async tellPatron(
    conversationId: number,
    staffId: number,
    text: string,
    onlyIfState: "assigned" | "closed",
  ): Promise<void> {
    const recorded = await this.options.log.recordStaffMessage({
      conversationId,
      staffId,
      text,
      key: `n${randomBytes(9).toString("base64url")}`,
      author: "system",
      onlyIfState,
    });
    if (!recorded) return;
    await this.outbound.request(recorded.channel, conversationId);
    await this.emitMessage(conversationId, recorded.messageId);
  }

  private async emitSummary(conversationId: number): Promise<void> {
    const summary = await this.conversations.summary(conversationId);
    if (summary) this.io?.to(ROOM.staff).emit("conversation:changed", summary);
  }

  private async emitMessage(conversationId: number, messageId: string): Promise<void> {
    const message = await this.conversations.message(messageId);
    if (message) this.io?.to(ROOM.conversation(conversationId)).emit("message:new", message);
  }

  /** An event from the relay or egress (taken by this node only): broadcast it to every node. */
  private async relayEvent(event: ConsoleEvent): Promise<void> {
    switch (event.type) {
      case "conversation":
        return this.emitSummary(event.conversationId);
      case "message":
        await this.emitMessage(event.conversationId, event.messageId);
        return this.emitSummary(event.conversationId);
      case "status": {
        this.io?.to(ROOM.conversation(event.conversationId)).emit("message:status", {
          conversationId: event.conversationId,
          messageId: event.messageId,
          status: event.status,
          error: event.error ?? null,
        });
      }
    }
  }

  /** Never throws: presence is a convenience, and this runs from timers and disconnect handlers. */
  private async refreshPresence(): Promise<void> {
    if (!this.io || this.closing) return;
    try {
      const sockets = await this.io.local.fetchSockets();
      const here = new Set<number>(
        sockets.filter((s) => s.data.staff && s.data.staff.role !== "auditor").map((s) => s.data.staff.id),
      );
      await this.presence.refresh(here);
      // Whoever has no socket here nor on another node goes offline; a node that still holds
      // them refreshes them within its next round anyway.
      for (const id of await this.presence.online()) {
        if (this.closing) return;
        if (!here.has(id) && !(await this.io.in(ROOM.person(id)).fetchSockets()).length)
          await this.presence.remove(id);
      }
    } catch (err) {
      if (!this.closing) this.options.logger.warn({ err: errorMessage(err) }, "console: presence");
    }
  }

  private async broadcastPresence(): Promise<void> {
    if (this.closing) return;
    const online = await this.presence.online().catch((): number[] => []);
    try {
      this.io?.to(ROOM.staff).emit("presence", online);
    } catch (err) {
      this.options.logger.warn({ err: errorMessage(err) }, "console: presence broadcast");
    }
  }

  private connection(name: string): Redis {
    const c = createRedis(this.options.redisUrl, `pustaka-relay:${name}`);
    c.on("error", (err) => this.options.logger.warn({ err: err.message, name }, "redis connection error"));
    this.connections.push(c);
    return c;
  }
}

function meOf(session: Session): Me {
  const { id, username, displayName, role } = session.staff;
  return { id, username, displayName, role };
}

/** A positive database id from untrusted input, else null. */
function toId(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : null;
}

const lang = (value: string | null): Language => (value === "en" ? "en" : "id");

/** Constant-time comparison of two secrets (CSRF tokens). */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
