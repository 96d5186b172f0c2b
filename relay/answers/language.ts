import type { Language } from "../../shared/envelope";
import { requestedLanguage } from "../intents";
import { texts } from "../texts";
import type { Answer } from "./answer";

/** /bahasa, /language: switch at once when a language is named, otherwise offer both as buttons. */
export const language: Answer = {
  name: "language",
  answer: (ctx) => {
    const wanted: Language | undefined = requestedLanguage(ctx.args || ctx.text.replace(/^\/\S+/, ""));
    if (wanted) return { replies: [{ text: texts.languageSet(wanted) }], setLanguage: wanted };
    return {
      replies: [
        {
          text: texts.chooseLanguage(ctx.lang),
          buttons: [
            [
              { text: "Bahasa Indonesia", data: "/bahasa id" },
              { text: "English", data: "/language en" },
            ],
          ],
        },
      ],
    };
  },
};
