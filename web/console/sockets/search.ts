/** Searching past conversations by name, member ID, text and date. */
import type { SocketContext } from "./context";

const date = (v: unknown) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export function register(ctx: SocketContext): void {
  ctx.on("search", false, async (query, ack) => {
    const q = query && typeof query === "object" ? query : {};
    const text = typeof q.text === "string" ? q.text.slice(0, 200) : undefined;
    const memberId = typeof q.memberId === "string" ? q.memberId.slice(0, 50) : undefined;
    const from = date(q.from);
    const to = date(q.to);
    ack({
      ok: true,
      conversations: await ctx.conversations.search({
        ...(text ? { text } : {}),
        ...(memberId ? { memberId } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      }),
    });
  });
}
