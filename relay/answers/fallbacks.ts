/** Answers for what the bot cannot answer: not understood, not text, edited, too long, nothing to say. */
import { texts } from "../../shared/texts";
import { defineAnswer } from "./answer";

export const MAX_QUESTION_CHARS = 4096;

export const unknown = defineAnswer({
  name: "unknown",
  answer: (ctx) => ({
    replies: [{ text: texts.unknown(ctx.lang, ctx.unknownStreak > 0) }],
    understood: false,
  }),
});

export const nonText = defineAnswer({
  name: "non_text",
  answer: (ctx) => ({ replies: [{ text: texts.nonText(ctx.lang, ctx.kind) }] }),
});

export const edited = defineAnswer({
  name: "edited",
  answer: (ctx) => ({ replies: [{ text: texts.edited(ctx.lang) }] }),
});

export const tooLong = defineAnswer({
  name: "too_long",
  answer: (ctx) => ({ replies: [{ text: texts.tooLong(ctx.lang, MAX_QUESTION_CHARS) }] }),
});

/** Updates that are not messages to answer (the patron blocked the bot, an inline query): logged only. */
export const silent = defineAnswer({
  name: "silent",
  answer: () => ({ replies: [] }),
});

/** /selesai /done while no librarian has the chat (e.g. typed again after the librarian closed it). */
export const notWithLibrarian = defineAnswer({
  name: "not_with_librarian",
  // Ending a librarian chat is the handoff's; with the bot, the patron is told where they are.
  commands: { id: "selesai", en: "done" },
  answer: (ctx) => ({ replies: [{ text: texts.notWithLibrarian(ctx.lang) }] }),
});
