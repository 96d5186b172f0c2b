import { texts } from "../texts";
import type { Answer } from "./answer";

export const help: Answer = {
  name: "help",
  answer: (ctx) => ({ replies: [{ text: texts.help(ctx.lang) }] }),
};
