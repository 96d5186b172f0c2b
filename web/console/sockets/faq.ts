/**
 * The FAQ in the console (docs/faq.md): every signed-in staff member reads entries, their
 * history, ratings and the unanswered questions; librarians and admins create, edit (a new
 * version each time), publish and retire (auditors get "forbidden"). Each change is an audit
 * event written with it (shared/faq/store.ts).
 */
import { FaqError } from "../../../shared/faq/content";
import { FaqStore } from "../../../shared/faq/store";
import { unansweredGroups } from "../../../shared/faq/unanswered";
import type { Ack } from "../events";
import type { SocketContext } from "./context";
import { toId } from "./input";

export function register(ctx: SocketContext): void {
  const { on, me } = ctx;
  const store = new FaqStore(ctx.db);
  const actor = { staffId: me.id };

  /** Refused input is "invalid", an unknown entry "not_found"; anything else is the guard's "failed". */
  const run = async (ack: Ack<object>, fn: () => Promise<object>) => {
    try {
      ack({ ok: true, ...(await fn()) });
    } catch (err) {
      if (!(err instanceof FaqError)) throw err;
      ack({ ok: false, error: err.code === "FAQ_NOT_FOUND" ? "not_found" : "invalid" });
    }
  };

  on("faq:list", false, async (ack) => run(ack, async () => ({ entries: await store.list() })));

  on("faq:history", false, async (id, ack) =>
    run(ack, async () => {
      const entryId = toId(id);
      if (!entryId) throw new FaqError("FAQ_NOT_FOUND", "no id");
      return { entry: await store.get(entryId), versions: await store.history(entryId) };
    }),
  );

  on("faq:unanswered", false, async (ack) =>
    run(ack, async () => ({ groups: await unansweredGroups(ctx.db) })),
  );

  on("faq:create", true, async (input, ack) =>
    run(ack, async () => ({ entry: await store.create(input?.slug, input?.content, actor) })),
  );

  on("faq:edit", true, async (input, ack) =>
    run(ack, async () => {
      const entryId = toId(input?.id);
      if (!entryId) throw new FaqError("FAQ_NOT_FOUND", "no id");
      return { entry: await store.edit(entryId, input.content, actor) };
    }),
  );

  on("faq:status", true, async (input, ack) =>
    run(ack, async () => {
      const entryId = toId(input?.id);
      if (!entryId) throw new FaqError("FAQ_NOT_FOUND", "no id");
      if (!["draft", "published", "retired"].includes(input?.status))
        throw new FaqError("FAQ_INVALID", "status");
      return { entry: await store.setStatus(entryId, input.status, actor) };
    }),
  );
}
