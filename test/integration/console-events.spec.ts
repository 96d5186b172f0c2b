import { expect } from "chai";
import { Redis } from "ioredis";
import {
  ConsoleEventPublisher,
  ConsoleEventReader,
  consoleStreamKey,
  type ConsoleEvent,
} from "../../shared/console-events";
import { eventually } from "../helpers/app";
import { testRedisUrl, uniquePrefix } from "../support/services";

describe("console event stream", () => {
  it("keeps delivering after Redis lost the stream and its consumer group (a restart without persistence)", async () => {
    const prefix = uniquePrefix("events");
    const blocking = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const commands = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const received: ConsoleEvent[] = [];
    const errors: unknown[] = [];
    const reader = new ConsoleEventReader({
      blocking,
      commands,
      prefix,
      consumer: "web-test",
      onEvent: (e) => void received.push(e),
      onError: (e) => void errors.push(e),
      blockMs: 100,
    });
    const publisher = new ConsoleEventPublisher(commands, prefix);
    try {
      await reader.start();
      const event: ConsoleEvent = { type: "conversation", conversationId: 1, state: "waiting" };
      await publisher.publish(event);
      await eventually(async () => received.length === 1, "the first event");
      await commands.del(consoleStreamKey(prefix));
      // The reader hits NOGROUP on its next read and makes the group again; publish until one arrives.
      await eventually(async () => {
        await publisher.publish(event);
        return received.length >= 2;
      }, "an event after the stream was lost");
      expect(errors.filter((e) => String(e).includes("NOGROUP"))).to.have.length(0);
    } finally {
      await reader.close();
      blocking.disconnect();
      commands.disconnect();
    }
  });

  it("close() is idempotent: every call returns the first one's promise, and the consumer leaves the group", async () => {
    const prefix = uniquePrefix("events");
    const blocking = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const commands = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const reader = new ConsoleEventReader({
      blocking,
      commands,
      prefix,
      consumer: "web-once",
      onEvent: () => undefined,
      onError: () => undefined,
      blockMs: 100,
    });
    try {
      await reader.start();
      const first = reader.close();
      expect(reader.close()).to.equal(first);
      await first;
      await reader.close();
      const consumers = (await commands.xinfo("CONSUMERS", consoleStreamKey(prefix), "web")) as unknown[];
      expect(consumers).to.have.length(0);
    } finally {
      blocking.disconnect();
      commands.disconnect();
    }
  });

  it("keeps a conversation's events in order, and a slow conversation does not hold up another", async () => {
    const prefix = uniquePrefix("events");
    const blocking = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const commands = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const received: string[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const reader = new ConsoleEventReader({
      blocking,
      commands,
      prefix,
      consumer: "web-lanes",
      onEvent: async (e) => {
        if (e.type !== "message") return;
        if (e.messageId === "1a") await slow; // conversation 1's first event is slow to look up
        received.push(e.messageId);
      },
      onError: () => undefined,
      blockMs: 100,
    });
    try {
      await reader.start();
      // One transaction: the blocked read is served after EXEC, so the three arrive as one batch.
      const key = consoleStreamKey(prefix);
      const multi = commands.multi();
      for (const [conversationId, messageId] of [
        [1, "1a"],
        [1, "1b"],
        [2, "2a"],
      ] as const)
        multi.xadd(key, "*", "e", JSON.stringify({ type: "message", conversationId, messageId }));
      await multi.exec();
      await eventually(
        async () => received.includes("2a"),
        "conversation 2's event while 1's first is still looked up",
      );
      expect(received).to.deep.equal(["2a"]);
      release();
      await eventually(async () => received.length === 3, "conversation 1's events");
      expect(received).to.deep.equal(["2a", "1a", "1b"]);
      // One acknowledgement for all three: nothing left pending in the group.
      await eventually(async () => {
        const pending = (await commands.xpending(key, "web")) as [number, ...unknown[]];
        return pending[0] === 0;
      }, "the batch acknowledged");
    } finally {
      release();
      await reader.close();
      blocking.disconnect();
      commands.disconnect();
    }
  });
});
