import { texts } from "../../shared/texts";
import { cue } from "../intents";
import { defineAnswer } from "./answer";

export const greeting = defineAnswer({
  name: "greeting",
  intent: {
    precedence: 110,
    cues: [
      cue("halo", 2, "id"),
      cue("hallo", 2, "id"),
      cue("hai", 2, "id"),
      cue("selamat pagi", 2, "id"),
      cue("selamat siang", 2, "id"),
      cue("selamat sore", 2, "id"),
      cue("selamat malam", 2, "id"),
      cue("assalamualaikum", 2, "id"),
      cue("permisi", 1.5, "id"),
      cue("hello", 2, "en"),
      cue("hi", 2, "en"),
      cue("hey", 2, "en"),
      cue("good morning", 2, "en"),
      cue("good afternoon", 2, "en"),
      cue("good evening", 2, "en"),
    ],
    // Long messages that merely contain a greeting are not greetings.
    halfWeightOver: 4,
  },
  answer: (ctx) => ({ replies: [{ text: texts.greeting(ctx.lang, ctx.patronName) }] }),
});

export const thanks = defineAnswer({
  name: "thanks",
  intent: {
    precedence: 100,
    cues: [
      cue("terima kasih", 3, "id"),
      cue("terimakasih", 3, "id"),
      cue("makasih", 3, "id"),
      cue("trims", 2.5, "id"),
      cue("thanks", 3, "en"),
      cue("thank you", 3, "en"),
      cue("thx", 2.5, "en"),
    ],
  },
  answer: (ctx) => ({ replies: [{ text: texts.thanks(ctx.lang) }] }),
});
