/** Internal notes on a conversation, and the canned replies librarians pick from. */
import { MAX_REPLY_CHARS } from "../events";
import { ROOM } from "../rooms";
import type { SocketContext } from "./context";
import { toId } from "./input";

export function register(ctx: SocketContext): void {
  const { on, me, conversations, librarianTexts } = ctx;

  on("note:add", true, async (input, ack) => {
    const text = typeof input?.text === "string" ? input.text.trim() : "";
    if (!text || text.length > MAX_REPLY_CHARS) return ack({ ok: false, error: "invalid" });
    const conversationId = toId(input.conversationId);
    if (!conversationId || !(await conversations.summary(conversationId)))
      return ack({ ok: false, error: "not_found" });
    const note = await librarianTexts.addNote(conversationId, me.id, text);
    ctx.io.to(ROOM.conversation(conversationId)).emit("note:new", note);
    ack({ ok: true });
  });

  on("canned:list", false, async (ack) => {
    ack({ ok: true, replies: await librarianTexts.cannedReplies() });
  });
}
