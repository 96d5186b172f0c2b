/** The active staff and who of them is online (the transfer menu and the presence list). */
import type { SocketContext } from "./context";

export function register(ctx: SocketContext): void {
  ctx.on("staff:list", false, async (ack) => {
    const [all, online] = await Promise.all([
      ctx.staff.list(),
      ctx.presence.online().catch((): number[] => []),
    ]);
    ack({
      ok: true,
      staff: all
        .filter((s) => s.active)
        .map((s) => ({ id: s.id, displayName: s.displayName, role: s.role, online: online.includes(s.id) })),
    });
  });
}
