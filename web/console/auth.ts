/**
 * HTTP-side guards of the console: the session cookie, same-origin checks (for state-changing
 * requests and for Socket.IO handshakes: no cross-site WebSocket hijacking), CSRF tokens,
 * and login rate limits.
 *
 * Login limits, so that nobody can lock a colleague out from elsewhere: attempts are counted per
 * username *from one address* (STAFF_LOGIN_MAX_PER_15MIN), per address over all usernames (×10)
 * and per username over all addresses (×10, against guessing spread over many addresses). The
 * address is the client's own only as far as TRUST_PROXY says (web/server.ts): without it, all
 * clients of one reverse proxy are one address. Every stored field from an anonymous request is
 * bounded, and 429s are audited in aggregate (see limitedAuditCount), never one row per request.
 */
import type { IncomingMessage } from "node:http";
import { parseCookie, stringifySetCookie } from "cookie";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export const SESSION_COOKIE = "pustaka_session";

export function sessionToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[SESSION_COOKIE];
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: token,
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    maxAge: maxAgeSeconds,
    secure,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}

/**
 * Is the request's Origin our own (same host, http or https) or one configured as allowed?
 * A request with no Origin (and no Referer) is refused when `required` (state-changing HTTP
 * requests: browsers always send Origin there); a Socket.IO handshake without Origin comes
 * from a non-browser client, which cannot carry a victim's cookie, so it passes to the
 * authentication middleware.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[], required: boolean): boolean {
  let origin = req.headers.origin;
  if (!origin && typeof req.headers.referer === "string") {
    try {
      origin = new URL(req.headers.referer).origin;
    } catch {
      return false;
    }
  }
  if (!origin) return !required;
  if (origin === "null") return false;
  const host = req.headers.host;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return allowed.includes(origin);
}

/** Longest stored username and address from an anonymous request (usernames are ≤ 40; the user agent: staff.ts). */
export const MAX_STORED = { username: 60, address: 64 } as const;

/** A string from an anonymous request, cut to what we store. */
export function bounded(value: string | undefined, max: number): string {
  return (value ?? "").slice(0, max);
}

/**
 * The client's address: Fastify's `request.ip`, which follows X-Forwarded-For only through the
 * proxies TRUST_PROXY names (else it is the socket's peer).
 */
export function clientAddress(request: { ip: string }): string {
  return bounded(request.ip || "unknown", MAX_STORED.address);
}

const WINDOW_SECONDS = 15 * 60;

export interface LoginAttempt {
  /** seconds to wait when a limit is spent, else 0 */
  waitSeconds: number;
  /** which limit, for the audit row: "user@address", "address" or "user" */
  limit?: "user@address" | "address" | "user";
  /** the limited key (bounded), for aggregating audit rows */
  key?: string;
}

export class LoginLimiter {
  private readonly byUserAtAddress: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;
  private readonly byUser: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    maxPer15Min: number,
  ) {
    const common = { storeClient: redis, duration: WINDOW_SECONDS };
    this.byUserAtAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:login:user-addr`,
      points: maxPer15Min,
    });
    // One address (a library behind one NAT) may sign in several staff, but not spray many accounts.
    this.byAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:login:addr`,
      points: maxPer15Min * 10,
    });
    // Guessing one account's password from many addresses.
    this.byUser = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:login:user`,
      points: maxPer15Min * 10,
    });
  }

  /** Take one attempt. A spent limit stops there: the limits after it are not charged. */
  async take(username: string, address: string): Promise<LoginAttempt> {
    const user = userKey(username);
    for (const [limit, limiter, key] of [
      ["user@address", this.byUserAtAddress, `${user}@${address}`],
      ["address", this.byAddress, address],
      ["user", this.byUser, user],
    ] as const) {
      try {
        await limiter.consume(key);
      } catch (res) {
        if (res instanceof RateLimiterRes)
          return { waitSeconds: Math.ceil(res.msBeforeNext / 1000), limit, key };
        throw res;
      }
    }
    return { waitSeconds: 0 };
  }

  /** A successful login forgives that username's failed attempts from that address. */
  async reset(username: string, address: string): Promise<void> {
    await this.byUserAtAddress.delete(`${userKey(username)}@${address}`);
  }

  /**
   * Count one refused (429) attempt on a limited key in its window; the count so far. The caller
   * audits the 1st, 10th, 100th, … only: at most a handful of rows per key per window, each saying
   * how many were refused, so an anonymous client cannot grow the audit log by asking.
   */
  async limitedAuditCount(limit: string, key: string): Promise<number> {
    const counter = `${this.prefix}:login:limited:${limit}:${key}`;
    const [[, count]] = (await this.redis
      .multi()
      .incr(counter)
      .expire(counter, WINDOW_SECONDS, "NX")
      .exec()) as [[unknown, number]];
    return count;
  }
}

/** Audit the refused attempts numbered 1, 10, 100, … of a key's window. */
export function auditThisRefusal(count: number): boolean {
  return count >= 1 && /^10*$/.test(String(count));
}

const userKey = (username: string) => bounded(username.toLowerCase(), MAX_STORED.username);
