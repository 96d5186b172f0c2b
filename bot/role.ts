/**
 * The bot role: the configured channels of the registry, each with its egress (outbound queue →
 * the channel, at the channel's own send rate) and an outbound sweeper; then intake (polling or
 * webhook registration) once everything downstream is up. The web role serves the channels'
 * webhooks, so the adapters are built for either role.
 */
import type { Redis } from "ioredis";
import type {
  ChannelAdapter,
  ChannelDeps,
  ChannelDescriptor,
  CommandMenu,
  OnInbound,
  SendRate,
} from "./channel";
import type { ChannelStatusBoard } from "../shared/channel-status";
import type { ConsoleEventPublisher } from "../shared/console-events";
import { Egress, type EgressOptions } from "./egress";
import { errorMessage } from "../shared/errors";
import type { RoleContext } from "../shared/health";
import type { Logger } from "../shared/logger";
import type { MessageLog } from "../shared/log/message-log";
import type { MediaStore } from "../shared/media/store";
import { DrainRequests, outboundQueueName } from "../shared/queues";
import { Sweeper } from "../shared/sweeper";

export interface ConfiguredChannel {
  descriptor: ChannelDescriptor;
  adapter: ChannelAdapter;
  rate: SendRate;
}

/** The adapters of every channel whose variables are set (config.channels holds only those). */
export function configuredChannels(
  registry: readonly ChannelDescriptor[],
  channelConfigs: Readonly<Record<string, unknown>>,
  deps: {
    logger: Logger;
    commands: CommandMenu;
    redis: Redis;
    prefix: string;
    pollTimeoutSeconds?: number;
    mediaMaxBytes?: number;
    /** where channels report their session state for admins */
    statusBoard?: ChannelStatusBoard;
    onDelivery?: ChannelDeps["onDelivery"];
  },
): ConfiguredChannel[] {
  const channels: ConfiguredChannel[] = [];
  for (const descriptor of registry) {
    const channelConfig = channelConfigs[descriptor.name];
    if (channelConfig === undefined) continue;
    const adapter = descriptor.create(channelConfig, {
      logger: deps.logger.child({ channel: descriptor.name }),
      commands: deps.commands,
      redis: deps.redis,
      prefix: deps.prefix,
      ...(deps.pollTimeoutSeconds ? { pollTimeoutSeconds: deps.pollTimeoutSeconds } : {}),
      ...(deps.mediaMaxBytes ? { mediaMaxBytes: deps.mediaMaxBytes } : {}),
      ...(deps.onDelivery ? { onDelivery: deps.onDelivery } : {}),
      ...(deps.statusBoard
        ? { onStatus: (report) => void deps.statusBoard!.report(descriptor.name, report) }
        : {}),
    });
    channels.push({ descriptor, adapter, rate: descriptor.sendRate(channelConfig) });
  }
  return channels;
}

/**
 * Delivery acks → the reply's row (message-log.ts recordDelivery) → the console (the reply's
 * delivery, or its failure). False when no sent reply has that id (yet).
 */
export function deliveryRecorder(
  messageLog: MessageLog,
  consoleEvents: ConsoleEventPublisher,
): NonNullable<ChannelDeps["onDelivery"]> {
  return async (report) => {
    const recorded = await messageLog.recordDelivery(report);
    if (!recorded) return false;
    if (recorded.changed) {
      const { conversationId, messageId } = recorded;
      await consoleEvents.publish(
        report.delivery === "error"
          ? { type: "status", conversationId, messageId, status: "failed", error: "not delivered" }
          : { type: "delivery", conversationId, messageId, delivery: report.delivery },
      );
    }
    return true;
  };
}

export interface EgressRoleOptions {
  messageLog: MessageLog;
  media?: MediaStore;
  redis: Redis;
  prefix: string;
  logger: Logger;
  sweepIntervalMs: number;
  onStatus: EgressOptions["onStatus"];
}

/** Egress and its sweeper for each channel. Closed (in reverse) after the relay has finished. */
export async function startEgress(
  ctx: RoleContext,
  channels: readonly ConfiguredChannel[],
  options: EgressRoleOptions,
): Promise<void> {
  const { messageLog, redis, prefix, logger, sweepIntervalMs } = options;
  for (const { adapter, descriptor, rate } of channels) {
    const egress = new Egress({
      adapter,
      capabilities: descriptor.capabilities,
      messageLog,
      ...(options.media ? { media: options.media } : {}),
      redis,
      prefix,
      logger: logger.child({ role: "bot", channel: adapter.name }),
      ...rate,
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    });
    await egress.start();
    ctx.closer.add(`${adapter.name} egress`, () => egress.close());
    const drains = new DrainRequests(outboundQueueName(adapter.name), redis, prefix);
    ctx.closer.add(`${adapter.name} outbound queue`, () => drains.close());
    const sweeper = new Sweeper({
      name: `outbound-${adapter.name}`,
      intervalMs: sweepIntervalMs,
      find: () => messageLog.conversationsWithQueuedOutbound(adapter.name, Math.min(sweepIntervalMs, 5000)),
      drains,
      logger,
    });
    sweeper.start();
    ctx.closer.add(`${adapter.name} outbound sweeper`, () => sweeper.close());
    ctx.health.track(`${adapter.name} egress`, () => egress.ready);
  }
}

/**
 * Start receiving on every channel; closing stops intake first (`stopIntake`), then the adapter.
 * A channel that can pair by phone takes admins' requests from `statusBoard` (every 2 s).
 */
export async function startIntake(
  ctx: RoleContext,
  channels: readonly ConfiguredChannel[],
  ingress: OnInbound,
  stopIntake: () => void,
  statusBoard?: ChannelStatusBoard,
  logger?: Logger,
): Promise<void> {
  for (const { adapter } of channels) {
    await adapter.start(ingress);
    ctx.closer.add(`${adapter.name} adapter`, async () => {
      stopIntake();
      await adapter.close();
    });
    ctx.health.track(`${adapter.name} adapter`, () => adapter.ready);
    if (adapter.pairByPhone && statusBoard) {
      const take = async () => {
        const command = await statusBoard.nextCommand(adapter.name);
        if (command?.type === "pair_by_phone") await adapter.pairByPhone!(command.phone);
      };
      const timer = setInterval(
        () =>
          void take().catch((err: unknown) =>
            logger?.warn({ err: errorMessage(err), channel: adapter.name }, "channel command failed"),
          ),
        2000,
      );
      timer.unref();
      ctx.closer.add(`${adapter.name} commands`, async () => clearInterval(timer));
    }
  }
}
