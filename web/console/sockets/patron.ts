/** The patron panel (who the patron is, their current loans) and vouching for a patron's membership. */
import { errorMessage } from "../../../shared/errors";
import type { ConversationDetail, PatronPanel } from "../events";
import type { ConsoleDeps, SocketContext } from "./context";
import { toId } from "./input";

export async function patronPanel(deps: ConsoleDeps, conversationId: number): Promise<PatronPanel> {
  const p = await deps.conversations.patron(conversationId);
  const panel: PatronPanel = {
    name: p?.name ?? "",
    memberId: p?.memberId ?? null,
    verified: p?.verified ?? false,
    loans: null,
  };
  if (p?.memberId && deps.library) {
    try {
      const loans = await deps.library.currentLoans(p.memberId);
      panel.loans = loans.map((l) => ({
        title: l.title,
        itemCode: l.itemCode,
        dueDate: l.dueDate,
        daysLate: l.daysLate,
      }));
    } catch (err) {
      // Every staff role sees the panel: it gets a code, the library system's own words go to the log.
      deps.logger.warn(
        { err: errorMessage(err), conversationId },
        "console: loans for the patron panel failed",
      );
      panel.loansError = "unavailable";
    }
  }
  return panel;
}

/** Everything the page shows for one conversation, or null when there is no such conversation. */
export async function conversationDetail(
  deps: ConsoleDeps,
  conversationId: number,
): Promise<ConversationDetail | null> {
  const conversation = await deps.conversations.summary(conversationId);
  if (!conversation) return null;
  const [messages, notes, patron] = await Promise.all([
    deps.conversations.history(conversationId),
    deps.librarianTexts.notes(conversationId),
    patronPanel(deps, conversationId),
  ]);
  return { conversation, messages, notes, patron };
}

export function register(ctx: SocketContext): void {
  const { on, me } = ctx;

  on("patron:verify", true, async (input, ack) => {
    const memberId = typeof input?.memberId === "string" ? input.memberId.trim() : "";
    if (!memberId || memberId.length > 50) return ack({ ok: false, error: "invalid" });
    if (ctx.library && !(await ctx.library.getMember(memberId)))
      return ack({ ok: false, error: "not_found" });
    const conversationId = toId(input.conversationId);
    if (!conversationId) return ack({ ok: false, error: "invalid" });
    // Vouching for a patron's identity is for the librarian talking with them (or an admin).
    const summary = await ctx.conversations.summary(conversationId);
    if (!summary) return ack({ ok: false, error: "not_found" });
    if (me.role !== "admin" && !(summary.state === "assigned" && summary.assignedStaffId === me.id))
      return ack({ ok: false, error: "forbidden" });
    const ok = await ctx.conversations.verifyPatron(conversationId, memberId, me.id);
    if (!ok) return ack({ ok: false, error: "not_found" });
    await ctx.broadcast.summary(conversationId);
    ack({ ok: true });
  });
}
