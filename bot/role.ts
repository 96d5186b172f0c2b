/**
 * The bot role: the configured channels of the registry, each with its egress (outbound queue →
 * the channel, at the channel's own send rate) and an outbound sweeper; then intake (polling or
 * webhook registration) once everything downstream is up. The web role serves the channels'
 * webhooks, so the adapters are built for either role.
 */
import type { Redis } from "ioredis";
import type { ChannelAdapter, ChannelDescriptor, CommandMenu, OnInbound } from "./channel";
import { Egress, type EgressOptions } from "./egress";
import type { RoleContext } from "../shared/health";
import type { Logger } from "../shared/logger";
import type { MessageLog } from "../shared/log/message-log";
import { DrainRequests, outboundQueueName } from "../shared/queues";
import { Sweeper } from "../shared/sweeper";

export interface ConfiguredChannel {
  descriptor: ChannelDescriptor;
  adapter: ChannelAdapter;
  maxPerSecond: number;
}

/** The adapters of every channel whose variables are set (config.channels holds only those). */
export function configuredChannels(
  registry: readonly ChannelDescriptor[],
  channelConfigs: Readonly<Record<string, unknown>>,
  deps: { logger: Logger; commands: CommandMenu; redis: Redis; prefix: string; pollTimeoutSeconds?: number },
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
    });
    channels.push({ descriptor, adapter, maxPerSecond: descriptor.sendRate(channelConfig).maxPerSecond });
  }
  return channels;
}

export interface EgressRoleOptions {
  messageLog: MessageLog;
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
  for (const { adapter, descriptor, maxPerSecond } of channels) {
    const egress = new Egress({
      adapter,
      capabilities: descriptor.capabilities,
      messageLog,
      redis,
      prefix,
      logger: logger.child({ role: "bot", channel: adapter.name }),
      maxPerSecond,
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

/** Start receiving on every channel; closing stops intake first (`stopIntake`), then the adapter. */
export async function startIntake(
  ctx: RoleContext,
  channels: readonly ConfiguredChannel[],
  ingress: OnInbound,
  stopIntake: () => void,
): Promise<void> {
  for (const { adapter } of channels) {
    await adapter.start(ingress);
    ctx.closer.add(`${adapter.name} adapter`, async () => {
      stopIntake();
      await adapter.close();
    });
    ctx.health.track(`${adapter.name} adapter`, () => adapter.ready);
  }
}
