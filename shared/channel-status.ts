/**
 * A channel's session state, from the bot process (where the session lives) to the web process
 * (where admins look): the latest state in a Redis key per channel, and a console event on the
 * existing stream (console-events.ts) so every web node pushes it to the admins live.
 *
 * The key expires unless the bot reports again (adapters repeat their state now and then), so a
 * bot that died does not leave "ready" on the admins' screen for ever: no key reads as "no
 * report". Telegram and the web chat could report here too; today WhatsApp does (pairing).
 *
 * The other way, admins' requests to the bot (pair by a phone-number code) wait in a short Redis
 * list per channel that the bot role takes from (bot/role.ts): a request nobody takes expires.
 */
import type { Redis } from "ioredis";
import { CHANNELS, type ChannelName } from "./envelope";
import type { ConsoleEventPublisher } from "./console-events";

export const CHANNEL_STATES = [
  /** launching (WhatsApp: the browser and WhatsApp Web) */
  "starting",
  /** waiting for an admin to pair: a QR code to scan or a code to type on the phone */
  "needs_pairing",
  /** paired; loading chats */
  "authenticated",
  /** receiving and sending */
  "ready",
  /** lost; reconnecting with backoff */
  "disconnected",
  /** closed on shutdown */
  "stopped",
] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

export interface ChannelStatusReport {
  state: ChannelState;
  /** why (a disconnect reason such as LOGOUT, an error), never patron data */
  reason?: string;
  /** the QR code's content while pairing is possible by scanning */
  qr?: string;
  /** the 8-character code to type on the phone (pairing by phone number) */
  pairingCode?: string;
  /** when disconnected: the next try, in ms */
  reconnectInMs?: number;
}

export interface ChannelStatus extends ChannelStatusReport {
  channel: ChannelName;
  /** when this state began (ISO 8601) */
  since: string;
  /** when the bot last said so (ISO 8601) */
  reportedAt: string;
}

const key = (prefix: string, channel: ChannelName) => `${prefix}:channel-status:${channel}`;
const commandKey = (prefix: string, channel: ChannelName) => `${prefix}:channel-command:${channel}`;

/** An admin's request to a channel's session. */
export interface ChannelCommand {
  type: "pair_by_phone";
  /** international digits, e.g. 6281234567890 */
  phone: string;
}
/** an admin's request waits this long for the bot */
const COMMAND_TTL_SECONDS = 120;
/** a report lives this long; adapters repeat theirs well within it */
export const STATUS_TTL_SECONDS = 180;

export class ChannelStatusBoard {
  private readonly last = new Map<ChannelName, { json: string; since: string }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly events?: ConsoleEventPublisher,
  ) {}

  /** Best effort (Redis down: admins see the state on the next report). Never throws. */
  async report(channel: ChannelName, report: ChannelStatusReport): Promise<void> {
    const json = JSON.stringify(report);
    const previous = this.last.get(channel);
    const changed = previous?.json !== json;
    const now = new Date().toISOString();
    const since = changed ? now : previous.since;
    this.last.set(channel, { json, since });
    const status: ChannelStatus = { channel, ...report, since, reportedAt: now };
    try {
      await this.redis.set(key(this.prefix, channel), JSON.stringify(status), "EX", STATUS_TTL_SECONDS);
      if (changed) await this.events?.publish({ type: "channel", channel });
    } catch {
      // the next report (or the next change) writes it again
    }
  }

  async get(channel: ChannelName): Promise<ChannelStatus | null> {
    const raw = await this.redis.get(key(this.prefix, channel));
    return raw ? (JSON.parse(raw) as ChannelStatus) : null;
  }

  /** Web: an admin's request, for the bot role to take. */
  async command(channel: ChannelName, command: ChannelCommand): Promise<void> {
    const k = commandKey(this.prefix, channel);
    await this.redis.multi().rpush(k, JSON.stringify(command)).expire(k, COMMAND_TTL_SECONDS).exec();
  }

  /** Bot: the oldest waiting request for this channel, or null. */
  async nextCommand(channel: ChannelName): Promise<ChannelCommand | null> {
    const raw = await this.redis.lpop(commandKey(this.prefix, channel));
    return raw ? (JSON.parse(raw) as ChannelCommand) : null;
  }

  /** Every channel that reported lately. */
  async all(): Promise<ChannelStatus[]> {
    const found = await Promise.all(CHANNELS.map((c) => this.get(c)));
    return found.filter((s): s is ChannelStatus => s !== null);
  }
}
