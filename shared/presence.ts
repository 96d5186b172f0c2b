/**
 * Which librarians are online, shared by every web node (who is connected) and the relay
 * (which tells a waiting patron whether someone is there). A Redis sorted set: member = staff
 * id, score = when that presence expires unless a web node refreshes it.
 */
import type { Redis } from "ioredis";

export const PRESENCE_TTL_MS = 45_000;

export class Presence {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private get key() {
    return `${this.prefix}:console:online`;
  }

  async refresh(staffIds: Iterable<number>): Promise<void> {
    const ids = [...new Set(staffIds)];
    if (!ids.length) return;
    const expiry = this.now() + PRESENCE_TTL_MS;
    await this.redis.zadd(this.key, ...ids.flatMap((id) => [expiry, String(id)]));
  }

  async remove(staffId: number): Promise<void> {
    await this.redis.zrem(this.key, String(staffId));
  }

  async online(): Promise<number[]> {
    const now = this.now();
    await this.redis.zremrangebyscore(this.key, "-inf", now);
    return (await this.redis.zrangebyscore(this.key, now, "+inf")).map(Number);
  }
}
