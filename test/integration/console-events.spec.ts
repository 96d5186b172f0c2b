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
});
