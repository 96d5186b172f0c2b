/**
 * A console socket's life after the authentication middleware: its rooms, its handlers (by
 * topic, registered synchronously so a request sent right after connecting is not lost), the
 * recovered-connection check, the rooms of conversations assigned to me, hello and presence.
 */
import type { PresenceLoop } from "../presence-loop";
import { ROOM, type ConsoleSocket } from "../rooms";
import type { ConsoleDeps, SocketContext } from "./context";
import { guardedOn } from "./guard";
import * as calendar from "./calendar";
import * as channels from "./channels";
import * as faq from "./faq";
import * as messages from "./messages";
import * as notes from "./notes";
import * as patron from "./patron";
import * as queue from "./queue";
import * as search from "./search";
import * as staff from "./staff";

const TOPICS = [queue, messages, notes, patron, search, staff, channels, calendar, faq];

export async function connected(
  socket: ConsoleSocket,
  deps: ConsoleDeps,
  presence: PresenceLoop,
): Promise<void> {
  const me = socket.data.staff;
  if (!socket.recovered)
    void socket.join([
      ROOM.staff,
      ROOM.person(me.id),
      ROOM.session(socket.data.sessionId),
      ...(me.role === "admin" ? [ROOM.admins] : []),
    ]);
  socket.on("disconnect", () => void presence.left());
  const ctx: SocketContext = { ...deps, socket, me, on: guardedOn(socket, deps) };
  for (const topic of TOPICS) topic.register(ctx);

  if (socket.recovered && !(await deps.staff.sessionById(socket.data.sessionId))) {
    socket.disconnect(true);
    return;
  }
  // Also after a recovery: a conversation claimed or transferred to me during the blip has a
  // room this socket never joined.
  const mine = (await deps.conversations.open()).filter((c) => c.assignedStaffId === me.id);
  await socket.join(mine.map((c) => ROOM.conversation(c.id)));
  socket.emit("hello", me);
  if (me.role !== "auditor") await presence.joined(me.id);
}
