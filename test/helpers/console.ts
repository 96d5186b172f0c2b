/**
 * The librarian's side in tests: staff accounts, signing in over HTTP, and typed socket.io-client
 * connections to the console, with helpers that wait on events (never on time).
 */
import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { App } from "../../main";
import type { ClientToServerEvents, Result, ServerToClientEvents } from "../../web/console/events";
import type { StaffRole } from "../../shared/entities/staff-user";

export type ConsoleClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export const PASSWORD = "correct horse battery";

export async function addStaff(app: App, role: StaffRole, name?: string) {
  const username = `${role}-${randomBytes(3).toString("hex")}`;
  const staff = await app.console!.staff.add({
    username,
    displayName: name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${username.slice(-4)}`,
    role,
    password: PASSWORD,
  });
  return staff;
}

export async function login(baseUrl: string, username: string, password = PASSWORD) {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const body = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken: body.csrfToken };
}

/** Connect; resolves once connected (rejects with the connect_error message). */
export function connect(
  baseUrl: string,
  options: { cookie?: string; origin?: string; transports?: string[] } = {},
): Promise<ConsoleClient> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const socket: ConsoleClient = io(baseUrl, {
    extraHeaders: headers,
    transports: options.transports ?? ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Emit a request and wait for its acknowledgement. */
export function request<T>(
  socket: ConsoleClient,
  event: keyof ClientToServerEvents,
  ...args: unknown[]
): Promise<Result<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 10_000);
    (socket.emit as (...a: unknown[]) => void)(event, ...args, (result: Result<T>) => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}

/** Wait for the first `event` whose payload satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ConsoleClient,
  event: E,
  match: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const listener = ((...args: Parameters<ServerToClientEvents[E]>) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args[0]);
    }) as never;
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, timeoutMs);
    socket.on(event, listener);
  });
}

export const clientKey = () => randomBytes(8).toString("hex");
