/**
 * HTTP-side guards of the console: the session cookie, same-origin checks (for state-changing
 * requests and for Socket.IO handshakes: no cross-site WebSocket hijacking), CSRF tokens,
 * and login rate limits.
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

export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

export class LoginLimiter {
  private readonly byUser: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, maxPer15Min: number) {
    const common = { storeClient: redis, duration: 15 * 60 };
    this.byUser = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:login:user`, points: maxPer15Min });
    // One address (a library behind one NAT) may sign in several staff, but not spray many accounts.
    this.byAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:login:addr`,
      points: maxPer15Min * 10,
    });
  }

  /** Take one attempt; the seconds to wait when the limit is spent, else 0. */
  async take(username: string, address: string): Promise<number> {
    for (const [limiter, key] of [
      [this.byUser, username.toLowerCase().slice(0, 60)],
      [this.byAddress, address],
    ] as const) {
      try {
        await limiter.consume(key);
      } catch (res) {
        if (res instanceof RateLimiterRes) return Math.ceil(res.msBeforeNext / 1000);
        throw res;
      }
    }
    return 0;
  }

  /** A successful login forgives that username's failed attempts. */
  async reset(username: string): Promise<void> {
    await this.byUser.delete(username.toLowerCase().slice(0, 60));
  }
}
