/**
 * The librarian console on the web role: wiring and lifecycle only. The page (./static.ts) and
 * its JSON API (./http-api.ts) and its files (./media-api.ts) are one encapsulated Fastify plugin; the live part is Socket.IO
 * (typed events: ./events.ts) with handlers by topic in ./sockets/; three background parts run
 * beside it: the presence loop, the session sweeper and the fan-out of relay/egress events.
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
import { randomBytes } from "node:crypto";
import type { Server as HttpServer } from "node:http";
import type { FastifyPluginAsync } from "fastify";
import type { Redis } from "ioredis";
import type { Pool } from "pg";
import { ChannelStatusBoard } from "../../shared/channel-status";
import type { Db } from "../../shared/db";
import { announcementsApi } from "./announcements-api";
import { auditApi } from "./audit-api";
import { DeadLetters } from "../../shared/log/dead-letters";
import { errorMessage } from "../../shared/errors";
import type { LibrarySystem } from "../../shared/library/port";
import { once } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import type { MessageLog } from "../../shared/log/message-log";
import type { MediaStore } from "../../shared/media/store";
import { Presence } from "../../shared/presence";
import { OutboundDrains } from "../../shared/queues";
import { AnnouncementRequests } from "../../shared/reminders/queue";
import type { ChannelName } from "../../shared/envelope";
import { createRedis } from "../../shared/redis";
import { LoginLimiter } from "./auth";
import { Broadcaster } from "./broadcaster";
import { Conversations } from "./conversations";
import { LibrarianTexts } from "./librarian-texts";
import { EventFanout } from "./event-fanout";
import { httpApi } from "./http-api";
import { mediaApi } from "./media-api";
import { PresenceLoop } from "./presence-loop";
import type { ConsoleIo } from "./rooms";
import { SessionSweeper } from "./session-sweeper";
import { createConsoleIo } from "./socket-io";
import { connected } from "./sockets/connection";
import { StaffStore } from "./staff";
import { consoleHeaders, pageRoutes, publicDir } from "./static";
import { exportApi } from "../export/http";
import { reportApi } from "../report/http";
import type { WeeklyHours } from "../../shared/time/service-hours";
import { ServiceCalendarReader } from "../../shared/service-calendar-reader";
import { ServiceCalendarStore } from "../../shared/service-calendar-store";

export interface ConsoleOptions {
  db: Db;
  /** the same database's pool, for the auditors' export (a server-side cursor holds a connection) */
  pool: Pool;
  /** signs export manifests (derived from SECRET_BOX_KEY: web/export/manifest.ts) */
  exportKey: Buffer;
  /** LIBRARY_NAME, on the export's printable transcripts */
  libraryName?: string;
  /** the library's weekly service hours: the report counts response times only within them */
  serviceHours: WeeklyHours;
  messageLog: MessageLog;
  /** patrons' files and librarians' attachments (GET/POST /api/media) */
  media: MediaStore;
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
  timeZone: string;
  /** how long a dropped socket may come back and miss nothing (default 60 s) */
  recoveryMs?: number;
  /** how often live sockets are checked against their sessions (ended, expired, account disabled) */
  sessionCheckMs?: number;
  /** AUDIT_CHECKPOINT_KEY, for the auditor's verify (audit-api.ts) */
  checkpointKey?: string | undefined;
  /** the configured channels, which an announcement may go to (announcements-api.ts) */
  channels?: readonly ChannelName[];
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
  /**
   * The service calendar as it stands (weekly hours, exceptions, the library system's holidays):
   * the service report's response times read it (`(await calendar.current()).calendar` with
   * shared/time/service-calendar-minutes.ts `serviceMinutesIn`).
   */
  readonly calendar: ServiceCalendarReader;
  private readonly calendarStore: ServiceCalendarStore;
  private readonly librarianTexts: LibrarianTexts;
  private live: Live | undefined;
  private readonly presence: Presence;
  private readonly limiter: LoginLimiter;
  private readonly outbound: OutboundDrains;
  private readonly announcements: AnnouncementRequests;
  private readonly connections: Redis[] = [];
  private readonly nodeId = randomBytes(6).toString("hex");

  constructor(private readonly options: ConsoleOptions) {
    this.calendarStore = new ServiceCalendarStore(options.db);
    const library = options.library;
    // Uncached: an admin sees their own change at once (the relays re-read within SERVICE_CALENDAR_CACHE_MS).
    this.calendar = new ServiceCalendarReader({
      store: this.calendarStore,
      seed: options.serviceHours,
      ...(library ? { holidays: () => library.holidays() } : {}),
      cacheMs: 0,
      logger: options.logger,
    });
    this.outbound = new OutboundDrains(options.redis, options.prefix);
    this.announcements = new AnnouncementRequests(options.redis, options.prefix);
    this.staff = new StaffStore(options.db);
    this.conversations = new Conversations(options.db);
    this.librarianTexts = new LibrarianTexts(options.db);
    this.presence = new Presence(options.redis, options.prefix);
    this.limiter = new LoginLimiter(options.redis, options.prefix, options.loginMaxPer15Min);
  }

  /**
   * The console's HTTP part, one encapsulated plugin: helmet's headers on all of it, the page's
   * files, and the JSON API under /api.
   */
  readonly routes: FastifyPluginAsync = async (app) => {
    const { options } = this;
    await consoleHeaders(app, options.secureCookie);
    await app.register(pageRoutes(publicDir()));
    await app.register(
      httpApi({
        staff: this.staff,
        conversations: this.conversations,
        librarianTexts: this.librarianTexts,
        deadLetters: new DeadLetters(options.db),
        limiter: this.limiter,
        logger: options.logger,
        allowedOrigins: options.allowedOrigins,
        secureCookie: options.secureCookie,
        sessionHours: options.sessionHours,
        timeZone: options.timeZone,
        io: () => this.io,
      }),
      { prefix: "/api" },
    );
    await app.register(
      mediaApi({
        media: options.media,
        staff: this.staff,
        logger: options.logger,
        allowedOrigins: options.allowedOrigins,
      }),
      { prefix: "/api/media" },
    );
    await app.register(
      exportApi({
        pool: options.pool,
        db: options.db,
        staff: this.staff,
        manifestKey: options.exportKey,
        timeZone: options.timeZone,
        ...(options.libraryName ? { library: options.libraryName } : {}),
        logger: options.logger,
      }),
      { prefix: "/api/export" },
    );
    await app.register(
      reportApi({
        db: options.db,
        staff: this.staff,
        timeZone: options.timeZone,
        hours: options.serviceHours,
        // Response minutes follow the service calendar patrons are told (docs/calendar.md): the
        // console's hours and exceptions and the library system's holidays (SLiMS `holiday`).
        ...(options.library ? { holidays: () => options.library!.holidays() } : {}),
        calendar: () => this.calendar.current(),
        logger: options.logger,
      }),
      { prefix: "/api/report" },
    );
    await app.register(
      auditApi({
        db: options.db,
        staff: this.staff,
        logger: options.logger,
        allowedOrigins: options.allowedOrigins,
        checkpointKey: options.checkpointKey,
        mediaDir: options.media.directory,
      }),
      { prefix: "/api/audit" },
    );
    await app.register(
      announcementsApi({
        db: options.db,
        staff: this.staff,
        logger: options.logger,
        allowedOrigins: options.allowedOrigins,
        channels: options.channels ?? [],
        requests: this.announcements,
      }),
      { prefix: "/api/announcements" },
    );
  };

  private get io(): ConsoleIo | undefined {
    return this.live?.io;
  }

  /** Librarians' sockets connected to this node now (/metrics). */
  get clients(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  /** Attach Socket.IO to the web role's HTTP server (before it listens). */
  attach(server: HttpServer): void {
    const { options } = this;
    const io = createConsoleIo(server, {
      staff: this.staff,
      adapterRedis: this.adapterConnection(),
      prefix: options.prefix,
      allowedOrigins: options.allowedOrigins,
      recoveryMs: options.recoveryMs ?? 60_000,
      logger: options.logger,
    });
    const broadcast = new Broadcaster(io, this.conversations, options.messageLog, this.outbound);
    const channelStatus = new ChannelStatusBoard(options.redis, options.prefix);
    const presence = new PresenceLoop(io, this.presence, options.logger);
    const deps = {
      io,
      staff: this.staff,
      conversations: this.conversations,
      librarianTexts: this.librarianTexts,
      messageLog: options.messageLog,
      media: options.media,
      outbound: this.outbound,
      presence: this.presence,
      broadcast,
      channelStatus,
      db: options.db,
      logger: options.logger,
      ...(options.library ? { library: options.library } : {}),
      calendar: { store: this.calendarStore, reader: this.calendar, timeZone: options.timeZone },
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
        channelStatus,
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
    await this.announcements.close();
    for (const c of this.connections) c.disconnect();
  });

  /**
   * The Socket.IO adapter's connection. The adapter duplicates it for its blocking stream reader
   * and its subscriber, and lets the reader go only when its current XREAD BLOCK (5 s) returns —
   * or never, if Redis is gone by then (the reader reconnects for ever and keeps the process
   * alive). So the duplicates are ours to close too.
   */
  private adapterConnection(): Redis {
    const redis = this.connection("console-adapter");
    const duplicate = redis.duplicate.bind(redis);
    redis.duplicate = (...args: Parameters<Redis["duplicate"]>) => {
      const copy = duplicate(...args);
      this.connections.push(copy);
      return copy;
    };
    return redis;
  }

  private connection(name: string): Redis {
    const c = createRedis(this.options.redisUrl, `pustaka-relay:${name}`);
    c.on("error", (err) => this.options.logger.warn({ err: err.message, name }, "redis connection error"));
    this.connections.push(c);
    return c;
  }
}
