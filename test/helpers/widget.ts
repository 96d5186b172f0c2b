/**
 * A patron's web chat widget in tests, over the real Socket.IO wire (socket.io-client): what the
 * browser script does, without the browser. Waits on events, never on time.
 */
import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { WidgetEntry } from "../../shared/webchat";

export interface WidgetClient {
  socket: Socket;
  token: string;
  entries: WidgetEntry[];
  masked: string[];
  /** send a text (or a button's data); resolves with the server's acknowledgement */
  send(
    text: string,
    kind?: "text" | "callback",
    clientId?: string,
  ): Promise<{ ok: boolean; error?: string; retryAfterMs?: number }>;
  /** the library's messages, once there are at least n */
  replies(n: number, timeoutMs?: number): Promise<WidgetEntry[]>;
  history(): Promise<WidgetEntry[]>;
  close(): void;
}

export const newClientId = () => randomBytes(9).toString("base64url");

export function connectWidget(
  baseUrl: string,
  options: { token?: string; origin?: string; transports?: string[] } = {},
): Promise<WidgetClient> {
  const socket = io(`${baseUrl}/webchat`, {
    path: "/webchat/socket.io",
    auth: options.token ? { token: options.token } : {},
    extraHeaders: options.origin ? { origin: options.origin } : {},
    transports: options.transports ?? ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  const entries: WidgetEntry[] = [];
  const masked: string[] = [];
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());
  socket.on("message", (entry: WidgetEntry) => {
    entries.push(entry);
    changed();
  });
  socket.on("mask", (m: { key: string }) => {
    masked.push(m.key);
    changed();
  });
  return new Promise((resolve, reject) => {
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
    socket.once("session", ({ token }: { token: string }) => {
      resolve({
        socket,
        token,
        entries,
        masked,
        send: (text, kind = "text", clientId = newClientId()) =>
          socket.timeout(10_000).emitWithAck("message", { clientId, kind, text }),
        replies: (n, timeoutMs = 10_000) =>
          new Promise((ok, fail) => {
            const check = () => {
              const mine = entries.filter((e) => e.from === "library");
              if (mine.length < n) return;
              waiters.delete(check);
              clearTimeout(timer);
              ok(mine);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`timed out waiting for ${n} replies (got ${entries.length} entries)`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        history: async () => {
          const result = (await socket.timeout(10_000).emitWithAck("history")) as {
            ok: boolean;
            entries: WidgetEntry[];
          };
          if (!result.ok) throw new Error("history refused");
          return result.entries;
        },
        close: () => socket.close(),
      });
    });
  });
}
