/**
 * The checks every console event passes before its handler: the socket's session still exists
 * (re-checked every 30 s, and at once for a recovered connection, which skipped the
 * authentication middleware), and write events come from librarians or admins.
 */
import { errorMessage } from "../../../shared/errors";
import type { StaffRole } from "../../../shared/entities/staff-user";
import type { Ack, ClientToServerEvents } from "../events";
import type { ConsoleSocket } from "../rooms";
import type { ConsoleDeps, On } from "./context";

const WRITERS: readonly StaffRole[] = ["librarian", "admin"];
const SESSION_RECHECK_MS = 30_000;

export function guardedOn(socket: ConsoleSocket, deps: ConsoleDeps): On {
  const me = socket.data.staff;
  // A recovered socket skipped the auth middleware: check its session at its first event.
  let checkedAt = socket.recovered ? 0 : Date.now();
  // A socket lives for hours: re-check its session (logout elsewhere, disabled account) now and then.
  const stillValid = async () => {
    if (Date.now() - checkedAt < SESSION_RECHECK_MS) return true;
    const session = await deps.staff.sessionById(socket.data.sessionId);
    if (!session) {
      socket.disconnect(true);
      return false;
    }
    checkedAt = Date.now();
    return true;
  };
  return (event, writer, handler) => {
    socket.on(event, ((...args: Parameters<ClientToServerEvents[typeof event]>) => {
      const ack = args[args.length - 1];
      const reply = typeof ack === "function" ? (ack as Ack) : () => undefined;
      void (async () => {
        try {
          if (!(await stillValid())) return;
          if (writer && !WRITERS.includes(me.role)) return reply({ ok: false, error: "forbidden" });
          await handler(...args);
        } catch (err) {
          deps.logger.error({ err: errorMessage(err), event }, "console: event failed");
          reply({ ok: false, error: "failed" });
        }
      })();
    }) as never);
  };
}
