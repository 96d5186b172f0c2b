/**
 * The composition root: reads config once, wires real parts, starts the roles asked for.
 *
 *   node dist/main.js all       every role in one process (npm start, the quickstart)
 *   node dist/main.js web       HTTP: /healthz, channel webhooks
 *   node dist/main.js bot       channel adapters (Telegram polling / webhook registration) + egress
 *   node dist/main.js relay     inbound workers: routing and automated answers
 *   node dist/main.js release   run database migrations, then exit
 *
 * SIGTERM/SIGINT: stop intake → drain workers → close HTTP → close Redis and the database.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import type { Redis } from "ioredis";
import { createDataSource } from "./ormconfig";
import type { ChannelAdapter, ChannelDescriptor } from "./bot/channel";
import { CHANNEL_DESCRIPTORS } from "./bot/channels";
import { Egress } from "./bot/egress";
import { createIngress } from "./bot/ingress";
import { InboundWorker, type RelayOptions } from "./relay/inbound-worker";
import type { PendingInbound } from "./shared/log/records";
import { WebServer, type HealthReport } from "./web/server";
import { loadConfig, type Config } from "./shared/config";
import { dbFromDataSource } from "./shared/db";
import { ConfigError, errorMessage } from "./shared/errors";
import { Closer, withTimeout } from "./shared/lifecycle";
import { ensureLocalServices } from "./shared/quickstart/local-services";
import { createLogger, type Logger } from "./shared/logger";
import { MessageLog } from "./shared/log/message-log";
import { DrainRequests, INBOUND_QUEUE, outboundQueueName } from "./shared/queues";
import { createRedis } from "./shared/redis";
import { Sweeper } from "./shared/sweeper";
import { BOT_COMMANDS } from "./relay/commands";
import { AttemptLimiter } from "./relay/attempts";
import { DemoLibrary } from "./shared/library/demo";
import type { LibrarySystem } from "./shared/library/port";
import { SlimsLibrary } from "./shared/library/slims";
import { SecretBox } from "./shared/secret-box";
import { ConsoleServer } from "./web/console/server";
import { Handoff } from "./relay/handoff";
import type { HolidayCalendar } from "./shared/time/calendar";
import { ConsoleEventPublisher } from "./shared/console-events";
import { Presence } from "./shared/presence";

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
    ? new SlimsLibrary({ url: config.slimsDatabaseUrl, ...common })
    : new DemoLibrary(common);
}

export interface App {
  readonly roles: readonly Role[];
  readonly web: WebServer | undefined;
  readonly console: ConsoleServer | undefined;
  readonly dataSource: DataSource;
  readonly redis: Redis;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

const MIGRATION_LOCK = 7300;

export async function runMigrations(dataSource: DataSource, logger: Logger): Promise<void> {
  // Several processes may start at once; one migrates while the others wait.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    const applied = await dataSource.runMigrations({ transaction: "each" });
    for (const m of applied) logger.info({ migration: m.name }, "migration applied");
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => undefined);
    await runner.release();
  }
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, roles, logger } = options;
  const closer = new Closer(logger);
  const has = (role: Role) => roles.includes(role);
  const started: Array<{ name: string; ready: () => boolean }> = [];
  try {
    const dataSource = createDataSource(options.databaseUrl, {
      applicationName: `pustaka-relay:${roles.join("+")}`,
    });
    await dataSource.initialize();
    closer.add("database", () => dataSource.destroy());
    if (options.migrate) await runMigrations(dataSource, logger);
    const db = dbFromDataSource(dataSource);
    const messageLog = new MessageLog(db);

    const redis = createRedis(options.redisUrl, `pustaka-relay:${roles.join("+")}`);
    redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
    closer.add("redis", () => redis.quit().catch(() => redis.disconnect()));
    await withTimeout(redis.ping(), 10_000, "connecting to Redis");
    const prefix = config.queuePrefix;
    const secrets = new SecretBox(redis, prefix);
    const consoleEvents = new ConsoleEventPublisher(redis, prefix);
    const sweepMs = options.sweepIntervalMs ?? 15_000;
    // The library system answers patrons (relay) and fills the console's patron panel (web).
    let librarySystem: LibrarySystem | undefined;
    if (has("relay") || has("web")) {
      const system = options.library ?? createLibrarySystem(config);
      if (!options.library) closer.add("library system", () => system.close());
      logger.info({ library: system.kind }, "library system");
      librarySystem = system;
    }

    // Every configured channel of the registry: its adapter, and (bot role) its egress.
    const registry = options.channels ?? CHANNEL_DESCRIPTORS;
    const channels: Array<{ descriptor: ChannelDescriptor; adapter: ChannelAdapter; maxPerSecond: number }> =
      [];
    if (has("bot") || has("web")) {
      for (const descriptor of registry) {
        const channelConfig = config.channels[descriptor.name];
        if (channelConfig === undefined) continue;
        const adapter = descriptor.create(channelConfig, {
          logger: logger.child({ channel: descriptor.name }),
          commands: BOT_COMMANDS,
          ...(options.telegramPollTimeoutSeconds
            ? { pollTimeoutSeconds: options.telegramPollTimeoutSeconds }
            : {}),
        });
        channels.push({ descriptor, adapter, maxPerSecond: descriptor.sendRate(channelConfig).maxPerSecond });
      }
    }
    const adapters = channels.map((c) => c.adapter);

    const intake = new AbortController();
    const inboundDrains = new DrainRequests(INBOUND_QUEUE, redis, prefix);
    closer.add("ingress queue", () => inboundDrains.close());
    const ingress = createIngress({
      messageLog,
      drains: inboundDrains,
      secrets,
      logger: logger.child({ hop: "ingress" }),
      signal: intake.signal,
    });

    if (has("bot")) {
      for (const { adapter, descriptor, maxPerSecond } of channels) {
        const egress = new Egress({
          adapter,
          capabilities: descriptor.capabilities,
          messageLog,
          redis,
          prefix,
          logger: logger.child({ role: "bot", channel: adapter.name }),
          maxPerSecond,
          onStatus: (update) => consoleEvents.publish({ type: "status", ...update }),
        });
        await egress.start();
        closer.add(`${adapter.name} egress`, () => egress.close());
        const outboundDrains = new DrainRequests(outboundQueueName(adapter.name), redis, prefix);
        closer.add(`${adapter.name} outbound queue`, () => outboundDrains.close());
        const sweeper = new Sweeper({
          name: `outbound-${adapter.name}`,
          intervalMs: sweepMs,
          find: () => messageLog.conversationsWithQueuedOutbound(adapter.name, Math.min(sweepMs, 5000)),
          drains: outboundDrains,
          logger,
        });
        sweeper.start();
        closer.add(`${adapter.name} outbound sweeper`, () => sweeper.close());
        started.push({ name: `${adapter.name} egress`, ready: () => egress.ready });
      }
    }

    // Closers run in reverse: intake stops first, then the relay finishes its drains, then egress.
    if (has("relay")) {
      const worker = new InboundWorker({
        services: {
          librarySystem: librarySystem!,
          secrets,
          attempts: new AttemptLimiter(redis, prefix, config.linkMaxAttemptsPerHour),
          renewalPolicy: config.renewal,
          db,
        },
        messageLog,
        redis,
        prefix,
        logger: logger.child({ role: "relay" }),
        library: { ...config.library },
        concurrency: config.relayConcurrency,
        buttonlessChannels: registry.filter((d) => !d.capabilities.buttons).map((d) => d.name),
        ...(options.now ? { now: options.now } : {}),
        ...(options.beforeHandle ? { beforeHandle: options.beforeHandle } : {}),
        ...(options.answers ? { answers: options.answers } : {}),
        ...(options.afterHandle ? { afterHandle: options.afterHandle } : {}),
        handoff: new Handoff({
          waiting: messageLog,
          presence: new Presence(redis, prefix),
          events: consoleEvents,
          library: { ...config.library },
          // When librarians answer: service hours minus the library system's holidays.
          holidays: options.libraryHolidays ?? (() => librarySystem!.holidays()),
          ...(options.now ? { now: options.now } : {}),
        }),
      });
      await worker.start();
      closer.add("relay worker", () => worker.close());
      const sweeper = new Sweeper({
        name: "inbound",
        intervalMs: sweepMs,
        find: () => messageLog.conversationsWithPendingInbound(Math.min(sweepMs, 5000)),
        drains: inboundDrains,
        logger,
      });
      sweeper.start();
      closer.add("inbound sweeper", () => sweeper.close());
      started.push({ name: "relay", ready: () => worker.ready });
    }

    const health = async (): Promise<HealthReport> => {
      const checks: HealthReport["checks"] = {};
      const probe = async (name: string, fn: () => Promise<unknown>) => {
        try {
          await withTimeout(fn(), 2000, name);
          checks[name] = { ok: true };
        } catch (err) {
          checks[name] = { ok: false, error: errorMessage(err) };
        }
      };
      await Promise.all([probe("database", () => db.query("SELECT 1")), probe("redis", () => redis.ping())]);
      for (const s of started)
        checks[s.name] = s.ready() ? { ok: true } : { ok: false, error: "not running" };
      return { ok: Object.values(checks).every((c) => c.ok), checks };
    };

    let web: WebServer | undefined;
    let librarianConsole: ConsoleServer | undefined;
    if (has("web")) {
      librarianConsole = new ConsoleServer({
        db,
        messageLog,
        redis,
        redisUrl: options.redisUrl,
        prefix,
        logger: logger.child({ role: "web", part: "console" }),
        ...config.console,
        timeZone: config.library.timeZone,
        ...(librarySystem ? { library: librarySystem } : {}),
        ...(options.consoleRecoveryMs ? { recoveryMs: options.consoleRecoveryMs } : {}),
        ...(options.consoleSessionCheckMs ? { sessionCheckMs: options.consoleSessionCheckMs } : {}),
      });
      web = new WebServer({
        host: config.host,
        port: config.port,
        logger: logger.child({ role: "web" }),
        health,
        routes: adapters.flatMap((a) => a.webhook?.(ingress) ?? []),
        extensions: [librarianConsole],
      });
      await web.start();
      closer.add("web", () => web!.close());
      await librarianConsole.start();
      // Closed before the HTTP server: live sockets would keep it open.
      closer.add("console", () => librarianConsole!.close());
    }

    if (has("bot")) {
      for (const adapter of adapters) {
        await adapter.start(ingress);
        closer.add(`${adapter.name} adapter`, async () => {
          intake.abort();
          await adapter.close();
        });
        started.push({ name: `${adapter.name} adapter`, ready: () => adapter.ready });
      }
      if (adapters.length === 0)
        logger.warn(`no channel is configured: ${registry.map((d) => d.howToEnable).join("; ")}`);
    }
    closer.add("intake", async () => intake.abort());

    logger.info({ roles }, "pustaka-relay started");
    return { roles, web, console: librarianConsole, dataSource, redis, health, close: closer.close };
  } catch (err) {
    await closer.close();
    throw err;
  }
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
