/** The channels' session state (WhatsApp pairing), for admins only. */
import { channelStatusView } from "../channel-status";
import type { SocketContext } from "./context";

export function register(ctx: SocketContext): void {
  ctx.on("channel:list", false, async (ack) => {
    if (ctx.me.role !== "admin") return ack({ ok: false, error: "forbidden" });
    const statuses = await ctx.channelStatus.all();
    ack({ ok: true, channels: await Promise.all(statuses.map((s) => channelStatusView(s.channel, s))) });
  });
}
