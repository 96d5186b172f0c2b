import type { Language } from "../../shared/envelope";
import { texts } from "../../shared/texts";
import { cue, requestedLanguage } from "../intents";
import { defineAnswer } from "./answer";

/** /bahasa, /language: switch at once when a language is named, otherwise offer both as buttons. */
export const language = defineAnswer({
  name: "language",
  commands: { id: "bahasa", en: "language" },
  menu: {
    order: 90,
    help: { id: "ganti bahasa (Indonesia/English)", en: "change language (Indonesia/English)" },
    commandList: { id: "Ganti bahasa", en: "Change language" },
  },
  intent: {
    precedence: 70,
    cues: [
      cue("bahasa", 3, "id"),
      cue("language", 3, "en"),
      cue("english", 2.5, "en"),
      cue("inggris", 2.5, "id"),
    ],
  },
  answer: (ctx) => {
    const wanted: Language | undefined = requestedLanguage(ctx.args || ctx.text.replace(/^\/\S+/, ""));
    if (wanted) return { replies: [{ text: texts.languageSet(wanted) }], setLanguage: wanted };
    return {
      replies: [
        {
          text: texts.chooseLanguage(ctx.lang),
          buttons: [
            [
              { text: texts.languageNames.id, data: "/bahasa id" },
              { text: texts.languageNames.en, data: "/language en" },
            ],
          ],
        },
      ],
    };
  },
});
