/**
 * The console's Socket.IO server on the web role's HTTP server: foreign origins are refused at
 * the handshake (no cross-site WebSocket hijacking), every socket is authenticated in middleware
 * from the session cookie (a failure to check it reaches the page as "unavailable", its details
 * only the log), and the Redis streams adapter makes several web nodes one cluster
 * (rooms and connection-state recovery across nodes).
 */
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import { originAllowed, sessionToken } from "./auth";
import type { Me } from "./events";
import type { ConsoleIo } from "./rooms";
import type { Session, StaffStore } from "./staff";

export function createConsoleIo(
  server: HttpServer,
  options: {
    staff: StaffStore;
    /** a dedicated connection for the adapter */
    adapterRedis: Redis;
    prefix: string;
    allowedOrigins: readonly string[];
    recoveryMs: number;
    logger: Logger;
  },
): ConsoleIo {
  const { prefix } = options;
  const io: ConsoleIo = new Server(server, {
    serveClient: true,
    cors: undefined,
    allowRequest: (req, callback) => {
      const ok = originAllowed(req, options.allowedOrigins, false);
      callback(ok ? null : "origin not allowed", ok);
    },
    connectionStateRecovery: { maxDisconnectionDuration: options.recoveryMs, skipMiddlewares: true },
    adapter: createAdapter(options.adapterRedis, {
      streamName: `${prefix}:socket.io`,
      channelPrefix: `${prefix}:socket.io`,
      sessionKeyPrefix: `${prefix}:sio:session:`,
      maxLen: 10_000,
    }),
  });
  io.use((socket, next) => {
    options.staff.session(sessionToken(socket.request)).then(
      (session) => {
        if (!session) return next(new Error("unauthorized"));
        socket.data.staff = meOf(session);
        socket.data.sessionId = session.id;
        next();
      },
      // The page gets a code; what failed (a database error names hosts and users) is logged here.
      (err) => {
        options.logger.error({ err: errorMessage(err) }, "console: socket authentication failed");
        next(new Error("unavailable"));
      },
    );
  });
  return io;
}

/** The public part of a signed-in staff member (sent to the page). */
export function meOf(session: Session): Me {
  const { id, username, displayName, role } = session.staff;
  return { id, username, displayName, role };
}
