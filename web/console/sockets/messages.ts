/** Librarians' replies to the patron, and retrying a reply whose delivery failed. */
import { MAX_REPLY_CHARS } from "../events";
import type { SocketContext } from "./context";
import { toId } from "./input";

export function register(ctx: SocketContext): void {
  const { on, me } = ctx;

  on("message:send", true, async (input, ack) => {
    const text = typeof input?.text === "string" ? input.text.trim() : "";
    const key = typeof input?.clientKey === "string" ? input.clientKey : "";
    const mediaId = input?.mediaId;
    if (mediaId !== undefined && (typeof mediaId !== "string" || !/^\d{1,18}$/.test(mediaId)))
      return ack({ ok: false, error: "invalid" });
    // A reply is text, a file (its caption may be empty), or both.
    if ((!text && !mediaId) || text.length > MAX_REPLY_CHARS || !/^[A-Za-z0-9_-]{8,64}$/.test(key))
      return ack({ ok: false, error: "invalid" });
    const conversationId = toId(input.conversationId);
    if (!conversationId) return ack({ ok: false, error: "invalid" });
    // Only a file this librarian uploaded (POST /api/media): never another patron's file by its id.
    const file = mediaId ? await ctx.media.info(mediaId) : null;
    if (mediaId && (!file || file.uploadedByStaffId !== me.id)) return ack({ ok: false, error: "invalid" });
    const recorded = await ctx.messageLog.recordStaffMessage({
      conversationId,
      staffId: me.id,
      text,
      key,
      author: "librarian",
      ...(file
        ? {
            attachment: {
              mediaId: file.id,
              fileName: file.fileName ?? `attachment-${file.id}`,
              mimeType: file.mimeType,
              sha256: file.sha256,
              size: file.size,
            },
          }
        : {}),
    });
    if (!recorded) return ack({ ok: false, error: "not_assigned" });
    await ctx.outbound.request(recorded.channel, conversationId);
    await ctx.broadcast.message(conversationId, recorded.messageId);
    ack({ ok: true, messageId: recorded.messageId });
  });

  on("message:retry", true, async (messageId, ack) => {
    if (typeof messageId !== "string" || !/^\d{1,18}$/.test(messageId))
      return ack({ ok: false, error: "invalid" });
    const message = await ctx.conversations.message(messageId);
    if (!message || message.direction !== "out") return ack({ ok: false, error: "not_found" });
    const summary = await ctx.conversations.summary(message.conversationId);
    if (me.role !== "admin" && summary?.assignedStaffId !== me.id)
      return ack({ ok: false, error: "not_assigned" });
    const requeued = await ctx.messageLog.requeueFailed(message.id);
    if (!requeued) return ack({ ok: false, error: "invalid" });
    await ctx.outbound.request(requeued.channel, requeued.conversationId);
    ctx.broadcast.status({
      conversationId: requeued.conversationId,
      messageId: message.id,
      status: "queued",
      error: null,
    });
    ack({ ok: true });
  });
}
