import { texts } from "../../shared/texts";
import { defineAnswer } from "./answer";

export const start = defineAnswer({
  name: "start",
  commands: { aliases: { start: null } },
  menu: { order: 10, commandList: { id: "Mulai dan lihat menu", en: "Start and see the menu" } },
  answer: (ctx, list) => ({
    replies: [
      {
        text: texts.welcome(ctx.lang, ctx.patronName, ctx.library.name, list.helpMenu(ctx.lang)),
        // Buttons where the channel has them; elsewhere the menu's lines already say what to type.
        ...(ctx.buttons ? { buttons: list.menuButtons(ctx.lang) } : {}),
      },
    ],
  }),
});
