/**
 * The channels' session state (WhatsApp pairing), for admins only: the list, and asking for a
 * pairing code for the library's number (the bot takes the request from Redis; the code comes
 * back as a "channel:status" push). Asking is audited: it links a phone to the library's account.
 */
import { CHANNELS, type ChannelName } from "../../../shared/envelope";
import { channelStatusView } from "../channel-status";
import { auditStaffAction } from "../staff-audit";
import type { SocketContext } from "./context";

const PHONE = /^\+?([1-9]\d{7,14})$/;

export function register(ctx: SocketContext): void {
  ctx.on("channel:list", false, async (ack) => {
    if (ctx.me.role !== "admin") return ack({ ok: false, error: "forbidden" });
    const statuses = await ctx.channelStatus.all();
    ack({ ok: true, channels: await Promise.all(statuses.map((s) => channelStatusView(s.channel, s))) });
  });

  ctx.on("channel:pair", true, async (input, ack) => {
    if (ctx.me.role !== "admin") return ack({ ok: false, error: "forbidden" });
    const channel = input?.channel as ChannelName;
    const phone =
      typeof input?.phone === "string" ? PHONE.exec(input.phone.replace(/[\s-]/g, ""))?.[1] : undefined;
    if (!CHANNELS.includes(channel) || !phone) return ack({ ok: false, error: "invalid" });
    await ctx.channelStatus.command(channel, { type: "pair_by_phone", phone });
    await auditStaffAction(ctx.db, ctx.me.id, "channel.pair_requested", null, { channel, phone });
    ack({ ok: true });
  });
}
