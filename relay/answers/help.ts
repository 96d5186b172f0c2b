import { texts } from "../../shared/texts";
import { cue } from "../intents";
import { defineAnswer } from "./answer";

export const help = defineAnswer({
  name: "help",
  commands: { id: "bantuan", en: "help", aliases: { menu: null } },
  menu: {
    order: 70,
    help: { id: "panduan singkat", en: "a short guide" },
    commandList: { id: "Panduan singkat", en: "A short guide" },
  },
  intent: {
    precedence: 90,
    cues: [
      cue("bantuan", 3, "id"),
      cue("bantu", 2, "id"),
      cue("tolong", 2, "id"),
      cue("menu", 2.5),
      cue("panduan", 2.5, "id"),
      cue("bisa apa", 2.5, "id"),
      cue("apa saja", 1.5, "id"),
      cue("help", 3, "en"),
      cue("what can you do", 3, "en"),
      cue("guide", 2, "en"),
    ],
  },
  answer: (ctx, list) => ({
    replies: [
      {
        text: texts.help(ctx.lang, list.helpMenu(ctx.lang)),
        // Buttons where the channel has them; elsewhere the menu's lines already say what to type.
        ...(ctx.buttons ? { buttons: list.menuButtons(ctx.lang) } : {}),
      },
    ],
  }),
});
