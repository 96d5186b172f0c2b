import { texts } from "../texts";
import type { Answer } from "./answer";

export const start: Answer = {
  name: "start",
  answer: (ctx) => ({ replies: [{ text: texts.welcome(ctx.lang, ctx.patronName, ctx.library.name) }] }),
};
