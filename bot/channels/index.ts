/**
 * The channel registry: one line per channel. main.ts loads each one's variables, starts the
 * configured ones (adapter + egress at the channel's own send rate) and names them all when
 * none is configured.
 */
import type { ChannelDescriptor } from "../channel";
import { telegram } from "./telegram";
import { webchat } from "./webchat";
import { whatsapp } from "./whatsapp";

export const CHANNEL_DESCRIPTORS: readonly ChannelDescriptor[] = [telegram, whatsapp, webchat];
