/**
 * The environment, read and validated once at start-up into a frozen, typed Config.
 * Only main.ts calls loadConfig; everything else receives the pieces it needs as options.
 * A missing or malformed variable stops start-up with a one-line message that names it.
 */
import { isIP } from "node:net";
import { z } from "zod";
import {
  blankToUndefined,
  booleanFlag,
  intInRange,
  optional,
  urlWithProtocols,
  type ChannelConfigSpec,
} from "./channel-config";
import { ConfigError } from "./errors";
import { redactValue } from "./redact";
import { parseSecretBoxKey } from "./secret-box";
import { parseServiceHours, type WeeklyHours } from "./time/service-hours";
import { isTimeZone } from "./time/zone";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const schema = z.object({
  HOST: z.preprocess(blankToUndefined, z.string().default("127.0.0.1")),
  PORT: intInRange(0, 65535, 3000),
  DATABASE_URL: optional(urlWithProtocols(["postgres:", "postgresql:"])),
  REDIS_URL: optional(urlWithProtocols(["redis:", "rediss:"])),
  LIBRARY_NAME: z.preprocess(blankToUndefined, z.string().max(100).default("Perpustakaan")),
  LIBRARY_CONTACT: optional(z.string().max(200, { message: "must be at most 200 characters" })),
  LIBRARY_TIMEZONE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine(isTimeZone, { message: "must be an IANA time zone such as Asia/Jakarta" })
      .default("Asia/Jakarta"),
  ),
  LIBRARY_HOURS: z.preprocess(blankToUndefined, z.string().default("mon-thu 08:00-16:00; fri 08:00-16:30")),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
  SLIMS_DATABASE_URL: optional(urlWithProtocols(["mysql:", "mariadb:"])),
  RENEWAL_ALLOW_OVERDUE: booleanFlag(true),
  RENEWAL_WAIVE_FINES: booleanFlag(false),
  LINK_MAX_ATTEMPTS_PER_HOUR: intInRange(1, 100, 5),
  QUEUE_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { message: "must be 1–40 characters of A-Z, a-z, 0-9, _ and -" })
      .default("pustaka"),
  ),
  RELAY_CONCURRENCY: intInRange(1, 1000, 50),
  DATABASE_POOL_SIZE: intInRange(0, 500, 0),
  SLIMS_QUERY_TIMEOUT_MS: intInRange(100, 120_000, 5000),
  SLIMS_HOLIDAY_CACHE_MS: intInRange(0, 86_400_000, 60_000),
  SERVICE_CALENDAR_CACHE_MS: intInRange(0, 3_600_000, 30_000),
  ANSWER_TIMEOUT_MS: intInRange(1000, 300_000, 20_000),
  INBOUND_MAX_PER_MINUTE: intInRange(1, 1000, 20),
  HANDOFF_MAX_PER_10MIN: intInRange(1, 100, 3),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default(".data")),
  // 1 KiB – 50 MiB; default 10 MiB. Telegram's getFile serves bots at most 20 MB, whatever this says.
  MEDIA_MAX_BYTES: intInRange(1024, 50 * 1024 * 1024, 10 * 1024 * 1024),
  MEDIA_DIR: optional(
    z.string().refine((v) => !v.includes("\0") && v.trim() === v, {
      message: "must be a folder path (without leading or trailing spaces)",
    }),
  ),
  CONSOLE_ALLOWED_ORIGINS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => v.split(",").every((o) => isOrigin(o.trim())), {
        message: "must be a comma-separated list of origins such as https://chat.library.ac.id",
      })
      .optional(),
  ),
  CONSOLE_SECURE_COOKIE: z.preprocess(
    blankToUndefined,
    z.enum(["true", "false"], { message: "must be true or false" }).default("false"),
  ),
  STAFF_LOGIN_MAX_PER_15MIN: intInRange(1, 1000, 10),
  STAFF_SESSION_HOURS: intInRange(1, 720, 12),
  SECRET_BOX_KEY: optional(
    z.string().refine((v) => parseSecretBoxKey(v) !== undefined, {
      message: "must be 32 random bytes as base64 or 64 hex digits (openssl rand -base64 32)",
    }),
  ),
  // Unset: no metrics listener. 0 picks a free port (tests). Binds HOST, like the web role.
  METRICS_PORT: optional(
    z.coerce
      .number({ message: "must be a port number (0–65535)" })
      .int({ message: "must be a port number (0–65535)" })
      .min(0, { message: "must be a port number (0–65535)" })
      .max(65535, { message: "must be a port number (0–65535)" }),
  ),
  METRICS_TOKEN: optional(
    z.string().regex(/^[A-Za-z0-9._~+/=-]{16,200}$/, {
      message: "must be 16–200 characters of A-Z, a-z, 0-9 and ._~+/=- (openssl rand -hex 24)",
    }),
  ),
  // Tamper evidence and retention (docs/audit.md): how often the chainer runs (the window in which
  // a new row is not yet chained), the optional HMAC key of checkpoints, and how many days personal
  // data is kept (unset: retention off).
  AUDIT_CHAIN_INTERVAL_MS: intInRange(500, 60_000, 2000),
  AUDIT_CHECKPOINT_KEY: optional(
    z.string().min(32, { message: "must be at least 32 characters (openssl rand -base64 32)" }),
  ),
  RETENTION_DAYS: optional(
    z.coerce
      .number({ message: "must be a whole number of days" })
      .int({ message: "must be a whole number of days" })
      .min(1, { message: "must be at least 1 day" })
      .max(36_500, { message: "must be at most 36500 days" }),
  ),
  // Due-date reminders (docs/reminders.md): how many days before the due date (comma-separated;
  // the first overdue day is always reminded) and the local hour of the daily run.
  REMINDER_DAYS_BEFORE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default("3,1")
      .refine((v) => parseReminderDays(v) !== undefined, {
        message:
          'must be whole numbers of days from 1 to 30, comma-separated, each once (e.g. "3,1"), or "none"',
      })
      .transform((v) => parseReminderDays(v)!),
  ),
  REMINDER_HOUR: intInRange(0, 23, 8),
  TRUST_PROXY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => parseTrustProxy(v) !== undefined, {
        message:
          "must be a hop count (0–10) or a comma-separated list of proxy addresses or CIDRs (e.g. 10.0.0.0/8, ::1, loopback); trusting every address would let any client choose its own",
      })
      .optional(),
  ),
});

/** REMINDER_DAYS_BEFORE: "3,1" → [3, 1]; "none" → [] (only the first overdue day); undefined when malformed. */
export function parseReminderDays(value: string): number[] | undefined {
  if (value.trim().toLowerCase() === "none") return [];
  const parts = value.split(",").map((p) => p.trim());
  if (!parts.every((p) => /^\d{1,2}$/.test(p))) return undefined;
  const days = parts.map(Number);
  if (days.some((d) => d < 1 || d > 30) || new Set(days).size !== days.length) return undefined;
  return days;
}

/** Names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"];

/**
 * TRUST_PROXY: a hop count (how many proxies in front of us append to X-Forwarded-For), or the
 * proxies' addresses / CIDRs; false for none. undefined when malformed.
 */
export function parseTrustProxy(value: string | undefined): false | number | string[] | undefined {
  if (value === undefined || value.trim() === "") return false;
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops || false : undefined;
  }
  const items = v.split(",").map((s) => s.trim());
  return items.every(isProxyAddress) ? items : undefined;
}

function isProxyAddress(item: string): boolean {
  if (PROXY_RANGE_NAMES.includes(item)) return true;
  const [address = "", prefix, extra] = item.split("/");
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (!family) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value.replace(/\/$/, "");
  } catch {
    return false;
  }
}

export interface Config {
  readonly host: string;
  readonly port: number;
  /** undefined: the quickstart finds or starts a local PostgreSQL */
  readonly databaseUrl: string | undefined;
  /** undefined: the quickstart finds or starts a local Redis */
  readonly redisUrl: string | undefined;
  /**
   * The configured channels' own configs, by channel name (a channel absent here is not
   * configured). Each value is what that channel's ChannelConfigSpec.fromEnv returned.
   */
  readonly channels: Readonly<Record<string, unknown>>;
  readonly library: {
    readonly name: string;
    readonly timeZone: string;
    readonly hours: WeeklyHours;
    readonly hoursSpec: string;
    readonly contact: string | undefined;
  };
  /** undefined: the demo library (seeded members and loans) answers instead of SLiMS */
  readonly slimsDatabaseUrl: string | undefined;
  readonly renewal: { readonly allowOverdue: boolean; readonly waiveFines: boolean };
  readonly linkMaxAttemptsPerHour: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly queuePrefix: string;
  readonly relayConcurrency: number;
  /** PostgreSQL connections per process (DATABASE_POOL_SIZE, else derived: databasePoolSizeFor) */
  readonly databasePoolSize: number;
  /** bound on every SLiMS query, connecting included */
  readonly slimsQueryTimeoutMs: number;
  /** how long SLiMS's `holiday` table is reused once read (0: read every time) */
  readonly slimsHolidayCacheMs: number;
  /** how long a relay reuses the console's service calendar once read (0: read every time) */
  readonly serviceCalendarCacheMs: number;
  /** bound on one automated answer, every outside call included */
  readonly answerTimeoutMs: number;
  /** per sender: messages answered per minute, librarian requests per 10 minutes */
  readonly senderLimits: { readonly messagesPerMinute: number; readonly handoffsPer10Min: number };
  readonly dataDir: string;
  /** files patrons send and librarians attach (shared/media/store.ts) */
  readonly media: {
    /** largest file kept (MEDIA_MAX_BYTES); a patron's larger file is logged as metadata only */
    readonly maxBytes: number;
    /** undefined: the bytes are kept in PostgreSQL (table media); else in this folder (MEDIA_DIR) */
    readonly dir: string | undefined;
  };
  /**
   * SECRET_BOX_KEY as base64 (a string: the config is frozen); undefined: the key file in DATA_DIR,
   * generated on first use (the quickstart; processes on other machines must set the same key)
   */
  readonly secretBoxKey: string | undefined;
  /**
   * /metrics: `port` — a listener of its own on HOST (METRICS_PORT; any role), `token` — the bearer
   * token it requires (METRICS_TOKEN). The web role's port serves /metrics only when a token is set.
   */
  readonly metrics: { readonly port: number | undefined; readonly token: string | undefined };
  /** which proxies' X-Forwarded-For the web role believes (TRUST_PROXY): none, a hop count, or addresses/CIDRs */
  readonly trustProxy: false | number | readonly string[];
  /** tamper evidence and retention (docs/audit.md) */
  readonly audit: {
    /** the chainer's interval: a new row is chained within about this long */
    readonly chainIntervalMs: number;
    /** HMAC key for checkpoints; undefined: checkpoints are hashed, not signed */
    readonly checkpointKey: string | undefined;
    /** anonymise personal data older than this many days; undefined: retention off */
    readonly retentionDays: number | undefined;
  };
  /** due-date reminders (docs/reminders.md) */
  readonly reminders: {
    /** REMINDER_DAYS_BEFORE: days before the due date a reminder goes out */
    readonly daysBefore: readonly number[];
    /** REMINDER_HOUR: the local hour (LIBRARY_TIMEZONE) of the daily run */
    readonly hour: number;
  };
  readonly console: {
    /** origins besides the console's own that may open a Socket.IO connection */
    readonly allowedOrigins: readonly string[];
    /** mark the session cookie Secure (set when the console is served over HTTPS) */
    readonly secureCookie: boolean;
    /** login attempts per username and per client address in 15 minutes */
    readonly loginMaxPer15Min: number;
    readonly sessionHours: number;
  };
}

/**
 * Parse the environment: the common variables, then each channel's own (`channels`, the
 * registry main.ts passes). Throws ConfigError naming the first bad variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  channels: readonly ChannelConfigSpec[] = [],
): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error, env);
  const channelConfigs: Record<string, unknown> = {};
  for (const channel of channels) {
    const own = channel.schema.safeParse(env);
    if (!own.success) throw configError(own.error, env);
    const config = channel.fromEnv(own.data);
    if (config !== undefined) channelConfigs[channel.name] = config;
  }
  const e = parsed.data;
  let hours: WeeklyHours;
  try {
    hours = parseServiceHours(e.LIBRARY_HOURS);
  } catch (err) {
    throw new ConfigError("LIBRARY_HOURS", (err as Error).message);
  }
  const config: Config = {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    channels: channelConfigs,
    library: {
      name: e.LIBRARY_NAME,
      timeZone: e.LIBRARY_TIMEZONE,
      hours,
      hoursSpec: e.LIBRARY_HOURS,
      contact: e.LIBRARY_CONTACT,
    },
    slimsDatabaseUrl: e.SLIMS_DATABASE_URL?.replace(/^mariadb:/, "mysql:"),
    renewal: { allowOverdue: e.RENEWAL_ALLOW_OVERDUE, waiveFines: e.RENEWAL_WAIVE_FINES },
    linkMaxAttemptsPerHour: e.LINK_MAX_ATTEMPTS_PER_HOUR,
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    relayConcurrency: e.RELAY_CONCURRENCY,
    databasePoolSize: e.DATABASE_POOL_SIZE || databasePoolSizeFor(e.RELAY_CONCURRENCY),
    slimsQueryTimeoutMs: e.SLIMS_QUERY_TIMEOUT_MS,
    slimsHolidayCacheMs: e.SLIMS_HOLIDAY_CACHE_MS,
    serviceCalendarCacheMs: e.SERVICE_CALENDAR_CACHE_MS,
    answerTimeoutMs: e.ANSWER_TIMEOUT_MS,
    senderLimits: {
      messagesPerMinute: e.INBOUND_MAX_PER_MINUTE,
      handoffsPer10Min: e.HANDOFF_MAX_PER_10MIN,
    },
    dataDir: e.DATA_DIR,
    media: { maxBytes: e.MEDIA_MAX_BYTES, dir: e.MEDIA_DIR },
    secretBoxKey:
      e.SECRET_BOX_KEY === undefined ? undefined : parseSecretBoxKey(e.SECRET_BOX_KEY)!.toString("base64"),
    metrics: { port: e.METRICS_PORT, token: e.METRICS_TOKEN },
    trustProxy: parseTrustProxy(e.TRUST_PROXY)!,
    audit: {
      chainIntervalMs: e.AUDIT_CHAIN_INTERVAL_MS,
      checkpointKey: e.AUDIT_CHECKPOINT_KEY,
      retentionDays: e.RETENTION_DAYS,
    },
    reminders: { daysBefore: e.REMINDER_DAYS_BEFORE, hour: e.REMINDER_HOUR },
    console: {
      allowedOrigins: (e.CONSOLE_ALLOWED_ORIGINS ?? "")
        .split(",")
        .map((o) => o.trim().replace(/\/$/, ""))
        .filter(Boolean),
      secureCookie: e.CONSOLE_SECURE_COOKIE === "true",
      loginMaxPer15Min: e.STAFF_LOGIN_MAX_PER_15MIN,
      sessionHours: e.STAFF_SESSION_HOURS,
    },
  };
  return deepFreeze(config);
}

/**
 * The default pool: no drain holds a connection while it answers (only for its short reads and
 * its commit), so the relay needs far fewer than one per concurrent drain; the fixed part is for
 * ingress, egress, the console and /healthz. 50 drains → 20 connections.
 */
export function databasePoolSizeFor(relayConcurrency: number): number {
  return Math.min(100, 10 + Math.ceil(relayConcurrency / 5));
}

function configError(error: z.ZodError, env: NodeJS.ProcessEnv): ConfigError {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? "environment");
  const got = env[variable];
  const shown = got === undefined || got === "" ? "not set" : `got "${redactValue(variable, got)}"`;
  return new ConfigError(variable, `${issue.message} (${shown})`);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
