import { texts } from "../texts";
import type { Answer } from "./answer";

/**
 * Asking for a person is taken by the handoff (relay/handoff.ts) before answers run; this answer
 * remains for a relay started without the console: an honest answer and a contact.
 */
export const librarian: Answer = {
  name: "librarian",
  answer: (ctx) => ({ replies: [{ text: texts.librarian(ctx.lang, ctx.library.contact) }] }),
};
