/**
 * The widget's Socket.IO: its own engine on its own path (WEBCHAT_SOCKET_PATH), so its origin
 * rules are its own and the console's (foreign origins refused) stay untouched. A handshake from
 * an origin that is neither ours nor in WEBCHAT_ALLOWED_ORIGINS is refused before it reaches the
 * namespace. Each socket gets a session (shown the token it must keep, when new) and joins its
 * session's room; a message is validated, rate limited, recorded (the ack waits for the row) —
 * or refused with a code the widget shows, the text kept in the widget.
 */
import type { Server as HttpServer } from "node:http";
import { Server, type Namespace, type Socket } from "socket.io";
import { errorMessage } from "../../shared/errors";
import type { Db } from "../../shared/db";
import type { Logger } from "../../shared/logger";
import {
  WEBCHAT_NAMESPACE,
  WEBCHAT_SOCKET_PATH,
  WIDGET_MAX_CALLBACK,
  WIDGET_MAX_TEXT,
  sessionRoom,
  type WebchatEndpoint,
  type WidgetEntry,
  type WidgetMessage,
} from "../../shared/webchat";
import { originAllowed } from "../console/auth";
import { handshakeAddress, type TrustProxy } from "./address";
import { sessionHistory } from "./history";
import type { WidgetLimits } from "./limits";
import type { WidgetMediaLinks } from "./media";
import type { WidgetSessions } from "./session";

export type WidgetError = "invalid" | "too_long" | "rate_limited" | "unavailable";
export type WidgetResult<T = object> =
  ({ ok: true } & T) | { ok: false; error: WidgetError; retryAfterMs?: number };

export interface WidgetClientEvents {
  message: (input: unknown, ack: (result: WidgetResult) => void) => void;
  history: (ack: (result: WidgetResult<{ entries: WidgetEntry[] }>) => void) => void;
}
export interface WidgetServerEvents {
  /** the session token to keep (sent on every connection; new when the presented one was not ours) */
  session: (session: { token: string }) => void;
  message: (entry: WidgetEntry) => void;
  mask: (mask: { key: string }) => void;
}
interface WidgetSocketData {
  sessionId: string;
  token: string;
  address: string;
}
export type WidgetNamespace = Namespace<WidgetClientEvents, WidgetServerEvents, object, WidgetSocketData>;
type WidgetSocket = Socket<WidgetClientEvents, WidgetServerEvents, object, WidgetSocketData>;

export interface WidgetIoOptions {
  endpoint: WebchatEndpoint;
  sessions: WidgetSessions;
  limits: WidgetLimits;
  db: Db;
  trustProxy: TrustProxy;
  logger: Logger;
  /** download links for the files librarians sent (absent: history lists no files) */
  links?: WidgetMediaLinks;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{8,40}$/;

export function createWidgetIo(
  server: HttpServer,
  options: WidgetIoOptions,
): { io: Server; nsp: WidgetNamespace } {
  const allowed = options.endpoint.allowedOrigins;
  const io = new Server(server, {
    path: WEBCHAT_SOCKET_PATH,
    serveClient: false,
    // The console's engine shares this HTTP server; upgrades on its path are not ours to end.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    // Long polling from an embedding page needs CORS; no cookies are involved.
    cors: allowed.length ? { origin: [...allowed], methods: ["GET", "POST"], credentials: false } : undefined,
    allowRequest: (req, callback) => {
      const ok = originAllowed(req, allowed, false);
      callback(ok ? null : "origin not allowed", ok);
    },
  });
  // Only the widget's namespace exists here.
  io.of("/").use((_socket, next) => next(new Error("not found")));
  const nsp: WidgetNamespace = io.of(WEBCHAT_NAMESPACE);
  nsp.use((socket, next) => {
    const presented = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const known = options.sessions.verify(presented);
    const session = known ? { sessionId: known, token: presented as string } : options.sessions.issue();
    socket.data.sessionId = session.sessionId;
    socket.data.token = session.token;
    socket.data.address = handshakeAddress(socket.request, options.trustProxy);
    next();
  });
  nsp.on("connection", (socket) => {
    void socket.join(sessionRoom(socket.data.sessionId));
    socket.emit("session", { token: socket.data.token });
    socket.on("history", (ack) => {
      if (typeof ack !== "function") return;
      const sessionId = socket.data.sessionId;
      const links = options.links;
      sessionHistory(options.db, sessionId, links && ((file) => links.file(file, sessionId))).then(
        (entries) => ack({ ok: true, entries }),
        (err) => {
          options.logger.warn({ err: errorMessage(err) }, "webchat: history failed");
          ack({ ok: false, error: "unavailable" });
        },
      );
    });
    socket.on("message", (input, ack) => {
      if (typeof ack !== "function") return;
      received(socket, input, options).then(ack, (err) => {
        options.logger.error({ err: errorMessage(err) }, "webchat: message not recorded");
        ack({ ok: false, error: "unavailable" });
      });
    });
  });
  return { io, nsp };
}

/** Validate, limit and record one patron message. */
async function received(
  socket: WidgetSocket,
  input: unknown,
  options: WidgetIoOptions,
): Promise<WidgetResult> {
  const message = parseMessage(input, socket.data.sessionId);
  if (typeof message === "string") return { ok: false, error: message };
  const waitMs = await options.limits.take(socket.data.sessionId, socket.data.address);
  if (waitMs > 0) return { ok: false, error: "rate_limited", retryAfterMs: waitMs };
  await options.endpoint.receive(message);
  return { ok: true };
}

export function parseMessage(input: unknown, sessionId: string): WidgetMessage | "invalid" | "too_long" {
  if (!input || typeof input !== "object") return "invalid";
  const { clientId, kind, text, language } = input as Record<string, unknown>;
  if (typeof clientId !== "string" || !CLIENT_ID.test(clientId)) return "invalid";
  if (kind !== "text" && kind !== "callback") return "invalid";
  if (typeof text !== "string" || text.trim() === "") return "invalid";
  if (text.length > (kind === "callback" ? WIDGET_MAX_CALLBACK : WIDGET_MAX_TEXT)) return "too_long";
  return {
    sessionId,
    clientId,
    kind,
    text,
    ...(language === "id" || language === "en" ? { language } : {}),
  };
}
