import { Redis } from "ioredis";

/**
 * One ioredis connection for queues and rate limits. BullMQ needs maxRetriesPerRequest null on
 * connections its workers block on; it duplicates this one for those.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    // Back off up to 2 s between reconnects during a Redis outage; never give up.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
}
