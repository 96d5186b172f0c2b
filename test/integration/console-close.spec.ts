/**
 * Closing the web role lets go of every Redis connection it opened at once — including the ones
 * the Socket.IO adapter duplicates for itself, which would otherwise linger in a 5 s XREAD BLOCK
 * (and reconnect for ever if Redis went away meanwhile, keeping the process from exiting).
 */
import { expect } from "chai";
import { Redis } from "ioredis";
import { startTestApp } from "../helpers/app";
import { testRedisUrl } from "../support/services";

async function consoleClientIds(redis: Redis): Promise<Set<string>> {
  const list = String(await redis.client("LIST"));
  return new Set(
    list
      .split("\n")
      .filter((line) => /\bname=pustaka-relay:console-/.test(line))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1] ?? ""),
  );
}

describe("closing the web role", () => {
  it("closes the console's Redis connections, the adapter's duplicates too, within a second", async () => {
    const observer = new Redis(testRedisUrl());
    try {
      const before = await consoleClientIds(observer);
      const { app } = await startTestApp(undefined, { roles: ["web"] });
      const opened = [...(await consoleClientIds(observer))].filter((id) => !before.has(id));
      expect(opened.length, "the console's connections while running").to.be.greaterThan(2);
      await app.close();
      const deadline = Date.now() + 1000;
      let left = opened;
      while (Date.now() < deadline) {
        const now = await consoleClientIds(observer);
        left = opened.filter((id) => now.has(id));
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(left, "connections still open 1 s after close()").to.deep.equal([]);
    } finally {
      observer.disconnect();
    }
  });
});
