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
    const reader = new ConsoleEventReader(
      blocking,
      prefix,
      "web-test",
      (e) => void received.push(e),
      (e) => void errors.push(e),
      commands,
      100,
    );
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
});
