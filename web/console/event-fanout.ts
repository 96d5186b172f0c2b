/**
 * Events from the relay and egress (shared/console-events.ts), taken by this node only through
 * the consumer group, broadcast to the rooms of every node.
 */
import type { Redis } from "ioredis";
import type { ChannelStatusBoard } from "../../shared/channel-status";
import { ConsoleEventReader, type ConsoleEvent } from "../../shared/console-events";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import type { Broadcaster } from "./broadcaster";
import { channelStatusView } from "./channel-status";

export class EventFanout {
  private readonly reader: ConsoleEventReader;

  constructor(options: {
    /** a dedicated connection: the reader blocks on it */
    blocking: Redis;
    commands: Redis;
    prefix: string;
    consumer: string;
    broadcast: Broadcaster;
    channelStatus: ChannelStatusBoard;
    logger: Logger;
  }) {
    const { broadcast, channelStatus, logger } = options;
    this.reader = new ConsoleEventReader({
      blocking: options.blocking,
      commands: options.commands,
      prefix: options.prefix,
      consumer: options.consumer,
      onEvent: (event) => fanOut(broadcast, channelStatus, event),
      onError: (err) => logger.warn({ err: errorMessage(err) }, "console: event stream"),
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}

async function fanOut(
  broadcast: Broadcaster,
  channelStatus: ChannelStatusBoard,
  event: ConsoleEvent,
): Promise<void> {
  switch (event.type) {
    case "conversation":
      return broadcast.summary(event.conversationId);
    case "message":
      return broadcast.messageAndSummary(event.conversationId, event.messageId);
    case "status":
      return broadcast.status({
        conversationId: event.conversationId,
        messageId: event.messageId,
        status: event.status,
        error: event.error ?? null,
      });
    case "delivery":
      return broadcast.delivery({
        conversationId: event.conversationId,
        messageId: event.messageId,
        delivery: event.delivery,
      });
    case "channel":
      // The latest state, read now: a burst of changes shows admins where it ended.
      return broadcast.channel(
        await channelStatusView(event.channel, await channelStatus.get(event.channel)),
      );
  }
}
