/** Answers for what the bot cannot answer: not understood, not text, edited, too long, nothing to say. */
import { texts } from "../texts";
import type { Answer } from "./answer";

export const MAX_QUESTION_CHARS = 4096;

export const unknown: Answer = {
  name: "unknown",
  answer: (ctx) => ({
    replies: [{ text: texts.unknown(ctx.lang, ctx.unknownStreak > 0) }],
    understood: false,
  }),
};

export const nonText: Answer = {
  name: "non_text",
  answer: (ctx) => ({ replies: [{ text: texts.nonText(ctx.lang, ctx.kind) }] }),
};

export const edited: Answer = {
  name: "edited",
  answer: (ctx) => ({ replies: [{ text: texts.edited(ctx.lang) }] }),
};

export const tooLong: Answer = {
  name: "too_long",
  answer: (ctx) => ({ replies: [{ text: texts.tooLong(ctx.lang, MAX_QUESTION_CHARS) }] }),
};

/** Updates that are not messages to answer (the patron blocked the bot, an inline query): logged only. */
export const silent: Answer = {
  name: "silent",
  answer: () => ({ replies: [] }),
};

/** /selesai /done while no librarian has the chat (e.g. typed again after the librarian closed it). */
export const notWithLibrarian: Answer = {
  name: "not_with_librarian",
  answer: (ctx) => ({ replies: [{ text: texts.notWithLibrarian(ctx.lang) }] }),
};
