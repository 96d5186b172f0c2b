import { texts } from "../texts";
import type { Answer } from "./answer";

/** Until the librarian console lands, asking for a person gets an honest answer and a contact. */
export const librarian: Answer = {
  name: "librarian",
  answer: (ctx) => ({ replies: [{ text: texts.librarian(ctx.lang, ctx.library.contact) }] }),
};
