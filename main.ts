/**
 * The composition root: reads config once, wires real parts, starts the roles asked for.
 *
 *   node dist/main.js all       every role in one process (npm start, the quickstart)
 *   node dist/main.js web       HTTP: /healthz, channel webhooks, the console, the web chat widget
 *   node dist/main.js bot       channel adapters (Telegram polling / webhook registration, web chat sends) + egress
 *   node dist/main.js relay     inbound workers: routing and automated answers
 *   node dist/main.js release   run database migrations, then exit
 *
 * SIGTERM/SIGINT: stop intake → drain workers → close HTTP → close Redis and the database.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { createDataSource } from "./ormconfig";
import type { ChannelDescriptor } from "./bot/channel";
import { CHANNEL_DESCRIPTORS } from "./bot/channels";
import { createIngress } from "./bot/ingress";
import { configuredChannels, deliveryRecorder, startEgress, startIntake } from "./bot/role";
import { HOLIDAYS_WAIT_MS } from "./relay/answers/hours";
import { BOT_COMMANDS } from "./relay/commands";
import type { RelayOptions } from "./relay/inbound-worker";
import { startRelay } from "./relay/role";
import { loadConfig, type Config } from "./shared/config";
import { ChannelStatusBoard } from "./shared/channel-status";
import { ConsoleEventPublisher } from "./shared/console-events";
import { dbFromDataSource, poolOf } from "./shared/db";
import { ConfigError, errorMessage } from "./shared/errors";
import { Health, type HealthReport, type RoleContext } from "./shared/health";
import { DemoLibrary } from "./shared/library/demo";
import type { LibrarySystem } from "./shared/library/port";
import { SlimsLibrary } from "./shared/library/slims";
import { warnOnTimeZoneMismatch } from "./shared/library/time-zone-check";
import { Closer, withTimeout } from "./shared/lifecycle";
import { DeadLetters } from "./shared/log/dead-letters";
import { MessageLog } from "./shared/log/message-log";
import { MediaStore } from "./shared/media/store";
import { metricsEndpoint } from "./shared/metrics/exposition";
import { MetricsListener } from "./shared/metrics/listener";
import { Probes } from "./shared/metrics/probes";
import type { PendingInbound } from "./shared/log/records";
import { createLogger, type Logger } from "./shared/logger";
import { runMigrations } from "./shared/migrate";
import { ensureLocalServices } from "./shared/quickstart/local-services";
import { DrainRequests, INBOUND_QUEUE, outboundQueueName } from "./shared/queues";
import { createRedis } from "./shared/redis";
import { parseSecretBoxKey, SecretBox } from "./shared/secret-box";
import { ServiceCalendarReader } from "./shared/service-calendar-reader";
import { ServiceCalendarStore } from "./shared/service-calendar-store";
import { dataDirSecret, SECRET_FILES } from "./shared/quickstart/secrets";
import type { HolidayCalendar } from "./shared/time/calendar";
import type { Pool } from "pg";
import type { ConsoleServer } from "./web/console/server";
import { startWeb } from "./web/role";
import { manifestKey } from "./web/export/manifest";
import type { WebServer } from "./web/server";

export const ROLES = ["web", "bot", "relay"] as const;
export type Role = (typeof ROLES)[number];

export interface AppOptions {
  config: Config;
  roles: readonly Role[];
  logger: Logger;
  databaseUrl: string;
  redisUrl: string;
  /** run migrations before starting (the quickstart; the release role does it for split deployments) */
  migrate: boolean;
  sweepIntervalMs?: number;
  telegramPollTimeoutSeconds?: number;
  /** the channel registry (tests add an in-memory channel); default bot/channels' CHANNEL_DESCRIPTORS */
  channels?: readonly ChannelDescriptor[];
  /** test hooks */
  now?: () => Date;
  beforeHandle?: (message: PendingInbound) => void | Promise<void>;
  afterHandle?: RelayOptions["afterHandle"];
  answers?: RelayOptions["answers"];
  /** test hook: after each committed batch of an announcement's messages (a throw: the process dying) */
  afterAnnouncementBatch?: (written: number) => void | Promise<void>;
  /** the library system (patron panel in the console) */
  library?: LibrarySystem;
  /** the library's holidays (e.g. SLiMS's holiday table): the handoff tells patrons when librarians answer */
  libraryHolidays?: () => Promise<HolidayCalendar>;
  /** console: how long a dropped socket may come back and miss nothing (default 60 s) */
  consoleRecoveryMs?: number;
  /** how often the console re-checks live sockets' sessions (default 10 s) */
  consoleSessionCheckMs?: number;
}

/** SLiMS when SLIMS_DATABASE_URL is set, else the seeded demo library. */
export function createLibrarySystem(config: Config): LibrarySystem {
  const common = { timeZone: config.library.timeZone, ...config.renewal };
  return config.slimsDatabaseUrl
    ? new SlimsLibrary({
        url: config.slimsDatabaseUrl,
        queryTimeoutMs: config.slimsQueryTimeoutMs,
        holidayCacheMs: config.slimsHolidayCacheMs,
        ...common,
      })
    : new DemoLibrary(common);
}

export interface App {
  readonly roles: readonly Role[];
  readonly web: WebServer | undefined;
  readonly console: ConsoleServer | undefined;
  readonly dataSource: DataSource;
  readonly redis: Redis;
  /** the METRICS_PORT listener's URL (…/metrics), when METRICS_PORT is set */
  readonly metricsUrl: string | undefined;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

/**
 * Start the roles asked for in this process, on one database pool and one Redis connection.
 * Closing runs in reverse: intake stops first, then the relay finishes its drains, then egress,
 * the web server, Redis and the database.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, roles, logger } = options;
  const closer = new Closer(logger);
  const has = (role: Role) => roles.includes(role);
  try {
    const dataSource = createDataSource(options.databaseUrl, {
      poolSize: config.databasePoolSize,
      applicationName: `pustaka-relay:${roles.join("+")}`,
    });
    await dataSource.initialize();
    closer.add("database", () => dataSource.destroy());
    if (options.migrate) await runMigrations(dataSource, logger);
    const db = dbFromDataSource(dataSource);
    const messageLog = new MessageLog(db);
    // Patrons' files (ingress), librarians' attachments (console), read back by egress.
    const media = new MediaStore(db, config.media);

    const redis = createRedis(options.redisUrl, `pustaka-relay:${roles.join("+")}`);
    redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
    closer.add("redis", () => redis.quit().catch(() => redis.disconnect()));
    await withTimeout(redis.ping(), 10_000, "connecting to Redis");
    const ctx: RoleContext = {
      closer,
      health: new Health({ database: () => db.query("SELECT 1"), redis: () => redis.ping() }, logger),
    };
    const prefix = config.queuePrefix;
    const secretKey = await secretBoxKey(config, roles, logger);
    const secrets = new SecretBox(redis, prefix, secretKey);
    const consoleEvents = new ConsoleEventPublisher(redis, prefix);
    const sweepIntervalMs = options.sweepIntervalMs ?? 15_000;

    // The library system answers patrons (relay) and fills the console's patron panel (web).
    let librarySystem: LibrarySystem | undefined;
    if (has("relay") || has("web")) {
      const system = options.library ?? createLibrarySystem(config);
      if (!options.library) closer.add("library system", () => system.close());
      logger.info({ library: system.kind }, "library system");
      if (has("relay")) await warnOnTimeZoneMismatch(system, config.library.timeZone, logger);
      librarySystem = system;
    }

    // The configured channels: the bot role runs them, the web role serves their webhooks.
    const statusBoard = new ChannelStatusBoard(redis, prefix, consoleEvents);
    const registry = options.channels ?? CHANNEL_DESCRIPTORS;
    const channels =
      has("bot") || has("web")
        ? configuredChannels(registry, config.channels, {
            logger,
            commands: BOT_COMMANDS,
            mediaMaxBytes: config.media.maxBytes,
            statusBoard,
            onDelivery: deliveryRecorder(messageLog, consoleEvents),
            redis,
            prefix,
            ...(options.telegramPollTimeoutSeconds
              ? { pollTimeoutSeconds: options.telegramPollTimeoutSeconds }
              : {}),
          })
        : [];
    const intake = new AbortController();
    const inboundDrains = new DrainRequests(INBOUND_QUEUE, redis, prefix);
    closer.add("ingress queue", () => inboundDrains.close());
    const ingress = createIngress({
      messageLog,
      deadLetters: new DeadLetters(db),
      drains: inboundDrains,
      secrets,
      media,
      logger: logger.child({ hop: "ingress" }),
      signal: intake.signal,
    });
    if (has("bot") || has("web")) ctx.health.check("intake", ingress.problem);

    if (has("bot")) {
      await startEgress(ctx, channels, {
        messageLog,
        media,
        redis,
        prefix,
        logger,
        sweepIntervalMs,
        onStatus: (update) => consoleEvents.publish({ type: "status", ...update }),
      });
    }
    if (has("relay")) {
      await startRelay(ctx, {
        messageLog,
        db,
        redis,
        prefix,
        logger,
        library: { ...config.library },
        librarySystem: librarySystem!,
        secrets,
        consoleEvents,
        inboundDrains,
        linkMaxAttemptsPerHour: config.linkMaxAttemptsPerHour,
        renewalPolicy: config.renewal,
        concurrency: config.relayConcurrency,
        answerTimeoutMs: config.answerTimeoutMs,
        senderLimits: config.senderLimits,
        buttonlessChannels: registry.filter((d) => !d.capabilities.buttons).map((d) => d.name),
        contactlessChannels: registry.filter((d) => !d.capabilities.requestContact).map((d) => d.name),
        undeletableChannels: registry.filter((d) => !d.capabilities.deleteMessage).map((d) => d.name),
        sweepIntervalMs,
        audit: { db, ...config.audit, mediaDir: config.media.dir },
        proactive: {
          db,
          ...config.reminders,
          ...(options.afterAnnouncementBatch
            ? { afterAnnouncementBatch: options.afterAnnouncementBatch }
            : {}),
        },
        ...(options.libraryHolidays ? { holidays: options.libraryHolidays } : {}),
        // `/jam` and "when librarians answer": the console's calendar, re-read every SERVICE_CALENDAR_CACHE_MS.
        calendar: new ServiceCalendarReader({
          store: new ServiceCalendarStore(db),
          seed: config.library.hours,
          holidays: options.libraryHolidays ?? (() => librarySystem!.holidays()),
          cacheMs: config.serviceCalendarCacheMs,
          holidaysWaitMs: HOLIDAYS_WAIT_MS,
          logger,
        }),
        ...(options.now ? { now: options.now } : {}),
        ...(options.beforeHandle ? { beforeHandle: options.beforeHandle } : {}),
        ...(options.afterHandle ? { afterHandle: options.afterHandle } : {}),
        ...(options.answers ? { answers: options.answers } : {}),
      });
    }
    let web: WebServer | undefined;
    let librarianConsole: ConsoleServer | undefined;
    const widget = has("web")
      ? channels.map(({ adapter }) => adapter.widget?.(ingress)).find((w) => w !== undefined)
      : undefined;
    // /metrics: this process's counters (shared/metrics/events.ts) and readings taken at scrape time.
    const sockets: { console?: () => number; webchat?: () => number } = {};
    const probes = new Probes({
      db,
      pool: (dataSource.driver as unknown as { master: Pool }).master,
      redis,
      prefix,
      queues: [INBOUND_QUEUE, ...channels.map(({ adapter }) => outboundQueueName(adapter.name))],
      sockets,
    });
    closer.add("metrics probes", () => probes.close());
    const metrics = metricsEndpoint(probes, config.metrics.token);
    if (has("web")) {
      let webchatServer;
      ({
        web,
        librarianConsole,
        webchat: webchatServer,
      } = await startWeb(ctx, {
        host: config.host,
        port: config.port,
        // The web port is public (webhooks, console, widget): /metrics there only behind a token.
        ...(config.metrics.token ? { metrics } : {}),
        routes: channels.flatMap(({ adapter }) => adapter.webhook?.(ingress) ?? []),
        logger,
        trustProxy: config.trustProxy,
        console: {
          db,
          pool: poolOf(dataSource),
          exportKey: manifestKey(secretKey),
          libraryName: config.library.name,
          serviceHours: config.library.hours,
          messageLog,
          media,
          redis,
          redisUrl: options.redisUrl,
          prefix,
          ...config.console,
          timeZone: config.library.timeZone,
          checkpointKey: config.audit.checkpointKey,
          channels: channels.map(({ adapter }) => adapter.name),
          ...(librarySystem ? { library: librarySystem } : {}),
          ...(options.consoleRecoveryMs ? { recoveryMs: options.consoleRecoveryMs } : {}),
          ...(options.consoleSessionCheckMs ? { sessionCheckMs: options.consoleSessionCheckMs } : {}),
        },
        ...(widget
          ? {
              webchat: {
                endpoint: widget,
                db,
                redis,
                redisUrl: options.redisUrl,
                prefix,
                secretKey,
                media,
                trustProxy: config.trustProxy,
                secureCookie: config.console.secureCookie,
              },
            }
          : {}),
      }));
      const consoleServer = librarianConsole;
      sockets.console = () => consoleServer.clients;
      if (webchatServer) sockets.webchat = () => webchatServer.clients;
    }
    if (has("bot")) {
      await startIntake(ctx, channels, ingress, () => intake.abort(), statusBoard, logger);
      if (channels.length === 0)
        logger.warn(`no channel is configured: ${registry.map((d) => d.howToEnable).join("; ")}`);
    }
    closer.add("intake", async () => intake.abort());
    // Last to start, first to close: scrapes end before anything they read goes away.
    let metricsListener: MetricsListener | undefined;
    if (config.metrics.port !== undefined) {
      const listener = new MetricsListener({
        host: config.host,
        port: config.metrics.port,
        endpoint: metrics,
        logger,
      });
      await listener.start();
      closer.add("metrics listener", () => listener.close());
      metricsListener = listener;
    }

    logger.info({ roles }, "pustaka-relay started");
    return {
      roles,
      web,
      console: librarianConsole,
      dataSource,
      redis,
      metricsUrl: metricsListener?.url,
      health: ctx.health.report,
      close: closer.close,
    };
  } catch (err) {
    await closer.close();
    throw err;
  }
}

/**
 * SECRET_BOX_KEY, or the key kept in DATA_DIR (generated once, mode 0600): processes sharing a
 * DATA_DIR share it; a split deployment across machines must set SECRET_BOX_KEY everywhere.
 */
async function secretBoxKey(config: Config, roles: readonly Role[], logger: Logger): Promise<Buffer> {
  if (config.secretBoxKey) return Buffer.from(config.secretBoxKey, "base64");
  const file = path.join(config.dataDir, SECRET_FILES.secretBoxKey);
  const key = parseSecretBoxKey(await dataDirSecret(config.dataDir, SECRET_FILES.secretBoxKey));
  if (!key)
    throw new ConfigError(
      "SECRET_BOX_KEY",
      `not set, and ${file} does not hold a key: remove it or set SECRET_BOX_KEY`,
    );
  if (!ROLES.every((r) => roles.includes(r)))
    logger.info(
      { file },
      "SECRET_BOX_KEY is not set: using the key file in DATA_DIR (bot and relay on other machines must set SECRET_BOX_KEY)",
    );
  return key;
}

/** `main.js all|web|bot|relay|release [more roles]` */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const asked = argv.length ? argv : ["all"];
  const unknown = asked.filter((a) => a !== "all" && a !== "release" && !ROLES.includes(a as Role));
  if (unknown.length) {
    process.stderr.write(`Unknown role "${unknown[0]}". Use one of: all, web, bot, relay, release.\n`);
    process.exit(2);
  }
  let config: Config;
  try {
    config = loadConfig(env, CHANNEL_DESCRIPTORS);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const say = (line: string) => process.stderr.write(`pustaka-relay: ${line}\n`);

  // Signals are handled from the first moment: a SIGTERM during start-up lets start-up finish
  // (or fail), then shuts down cleanly, instead of killing the process half-started.
  let starting: Promise<unknown> = Promise.resolve();
  const running: { app?: App } = {};
  let stopLocal: () => Promise<void> = async () => undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: draining and shutting down`);
    await starting.catch(() => undefined);
    await running.app?.close();
    await stopLocal();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  const localStarting = ensureLocalServices({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    dataDir: config.dataDir,
    log: say,
  });
  starting = localStarting;
  const local = await localStarting;
  stopLocal = () =>
    local.stop().catch((err) => {
      say(`stopping local services: ${errorMessage(err)}`);
    });

  if (asked.length === 1 && asked[0] === "release") {
    const dataSource = createDataSource(local.databaseUrl, {
      poolSize: 2,
      applicationName: "pustaka-relay:release",
    });
    try {
      await dataSource.initialize();
      await runMigrations(dataSource, logger);
      say("migrations are up to date");
    } finally {
      await dataSource.destroy().catch(() => undefined);
      await stopLocal();
    }
    return;
  }

  const roles: Role[] = asked.includes("all") ? [...ROLES] : (asked.filter((a) => a !== "release") as Role[]);
  const appStarting = startApp({
    config,
    roles,
    logger,
    databaseUrl: local.databaseUrl,
    redisUrl: local.redisUrl,
    migrate: asked.includes("all") || asked.includes("release"),
  });
  starting = appStarting;
  const app = (running.app = await appStarting);
  if (stopping) return;
  if (app.web) say(`web on ${app.web.url} (health: ${app.web.url}/healthz)`);
  if (asked.includes("all") && app.console) await firstAdmin(app.console, say);
  if (Object.keys(config.channels).length === 0)
    say(
      `no channel is connected: ${CHANNEL_DESCRIPTORS.map((d) => d.howToEnable).join("; ")} (see README, 'Connect a real Telegram bot')`,
    );
}

/**
 * The quickstart (`all`) with no staff account at all creates the first admin with a random
 * password and prints it once. There is no default password; split deployments (the Procfile
 * roles) never do this: there the first admin comes from `npm run staff -- add`.
 */
async function firstAdmin(librarianConsole: ConsoleServer, say: (line: string) => void): Promise<void> {
  if ((await librarianConsole.staff.list()).length > 0) return;
  const password = randomBytes(12).toString("base64url");
  try {
    await librarianConsole.staff.add({ username: "admin", displayName: "Admin", role: "admin", password });
  } catch {
    return; // another process created it first
  }
  say(
    `created the first console account: admin / ${password} — change it: npm run staff -- passwd --username admin`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`pustaka-relay failed to start: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
