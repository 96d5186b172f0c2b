/**
 * What the socket handlers work with: the console's stores and queues (shared by every socket)
 * and, per socket, who is signed in and `on`, which registers a guarded handler.
 */
import type { ChannelStatusBoard } from "../../../shared/channel-status";
import type { Db } from "../../../shared/db";
import type { Logger } from "../../../shared/logger";
import type { MessageLog } from "../../../shared/log/message-log";
import type { MediaStore } from "../../../shared/media/store";
import type { Presence } from "../../../shared/presence";
import type { OutboundDrains } from "../../../shared/queues";
import type { LibrarySystem } from "../../../shared/library/port";
import type { ServiceCalendarReader } from "../../../shared/service-calendar-reader";
import type { ServiceCalendarStore } from "../../../shared/service-calendar-store";
import type { Broadcaster } from "../broadcaster";
import type { Conversations } from "../conversations";
import type { LibrarianTexts } from "../librarian-texts";
import type { ClientToServerEvents, Me } from "../events";
import type { ConsoleIo, ConsoleSocket } from "../rooms";
import type { StaffStore } from "../staff";

export interface ConsoleDeps {
  io: ConsoleIo;
  staff: StaffStore;
  conversations: Conversations;
  librarianTexts: LibrarianTexts;
  messageLog: MessageLog;
  media: MediaStore;
  outbound: OutboundDrains;
  presence: Presence;
  broadcast: Broadcaster;
  /** the channels' session state, written by the bot role (and admins' requests to it) */
  channelStatus: ChannelStatusBoard;
  /** for the audit of admins' channel actions */
  db: Db;
  logger: Logger;
  library?: LibrarySystem;
  /** the service calendar: admins edit it, everyone reads it (./calendar.ts) */
  calendar: { store: ServiceCalendarStore; reader: ServiceCalendarReader; timeZone: string };
}

/**
 * Register a handler for a client event. `writer`: refused ("forbidden") for auditors. The
 * handler's failures are logged and acknowledged as "failed".
 */
export type On = <E extends keyof ClientToServerEvents>(
  event: E,
  writer: boolean,
  handler: (...args: Parameters<ClientToServerEvents[E]>) => Promise<void>,
) => void;

export interface SocketContext extends ConsoleDeps {
  socket: ConsoleSocket;
  me: Me;
  on: On;
}
