/** The queue and a conversation's life: list, open, claim, transfer, close. */
import { handoffTexts } from "../../../shared/texts";
import { OUTCOMES } from "../events";
import { ROOM } from "../rooms";
import type { SocketContext } from "./context";
import { lang, toId } from "./input";
import { conversationDetail } from "./patron";

export function register(ctx: SocketContext): void {
  const { on, me, io, conversations, broadcast } = ctx;
  const socket = ctx.socket;

  on("queue:list", false, async (ack) => {
    ack({ ok: true, conversations: await conversations.open() });
  });

  on("conversation:open", false, async (id, ack) => {
    const conversationId = toId(id);
    if (!conversationId) return ack({ ok: false, error: "invalid" });
    const detail = await conversationDetail(ctx, conversationId);
    if (!detail) return ack({ ok: false, error: "not_found" });
    await socket.join(ROOM.conversation(detail.conversation.id));
    ack({ ok: true, ...detail });
  });

  on("conversation:claim", true, async (id, ack) => {
    const conversationId = toId(id);
    if (!conversationId) return ack({ ok: false, error: "invalid" });
    const result = await conversations.claim(conversationId, me.id);
    if (!result.ok) return ack({ ok: false, error: result.reason });
    io.in(ROOM.person(me.id)).socketsJoin(ROOM.conversation(conversationId));
    const summary = await conversations.summary(conversationId);
    if (summary) {
      await broadcast.tellPatron(
        conversationId,
        me.id,
        handoffTexts.claimed(lang(summary.language), me.displayName),
        "assigned",
      );
      io.to(ROOM.staff).emit("conversation:changed", summary);
    }
    ack({ ok: true });
  });

  on("conversation:transfer", true, async (input, ack) => {
    const conversationId = toId(input?.conversationId);
    const to = toId(input?.toStaffId);
    if (!conversationId || !to) return ack({ ok: false, error: "invalid" });
    const ok = await conversations.transfer(conversationId, me.role === "admin" ? null : me.id, to, me.id);
    if (!ok) return ack({ ok: false, error: "not_assigned" });
    io.in(ROOM.person(to)).socketsJoin(ROOM.conversation(conversationId));
    await broadcast.summary(conversationId);
    ack({ ok: true });
  });

  on("conversation:close", true, async (input, ack) => {
    const conversationId = toId(input?.conversationId);
    if (!conversationId) return ack({ ok: false, error: "invalid" });
    const outcome = OUTCOMES.includes(input?.outcome as (typeof OUTCOMES)[number]) ? input!.outcome! : null;
    const ok = await conversations.close(conversationId, me.role === "admin" ? null : me.id, outcome, me.id);
    if (!ok) return ack({ ok: false, error: "not_assigned" });
    const summary = await conversations.summary(conversationId);
    await broadcast.tellPatron(
      conversationId,
      me.id,
      handoffTexts.closedByLibrarian(lang(summary?.language ?? null)),
      "closed",
    );
    await broadcast.summary(conversationId);
    ack({ ok: true });
  });
}
