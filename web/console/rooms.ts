/**
 * The console's Socket.IO server and socket types, and its rooms: "staff" (every signed-in
 * staff member), "staff:<id>" (one person's sockets), "session:<id>" (one sign-in's sockets, for
 * logout), "admins" (admins' sockets), "conv:<id>" (everyone who opened or is assigned that conversation).
 */
import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "./events";

export type ConsoleIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ConsoleSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export const ROOM = {
  staff: "staff",
  /** admins' sockets: the channels' session state (QR codes) goes only here */
  admins: "admins",
  person: (id: number) => `staff:${id}`,
  session: (id: string) => `session:${id}`,
  conversation: (id: number) => `conv:${id}`,
};
