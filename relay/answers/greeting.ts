import { texts } from "../texts";
import type { Answer } from "./answer";

export const greeting: Answer = {
  name: "greeting",
  answer: (ctx) => ({ replies: [{ text: texts.greeting(ctx.lang, ctx.patronName) }] }),
};

export const thanks: Answer = {
  name: "thanks",
  answer: (ctx) => ({ replies: [{ text: texts.thanks(ctx.lang) }] }),
};
