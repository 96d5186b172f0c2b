import { texts } from "../../shared/texts";
import { cue } from "../intents";
import { defineAnswer } from "./answer";

/**
 * Asking for a person: the handoff (relay/handoff.ts) takes this route before answers run and
 * puts the patron in the librarians' queue; that is what the command, the menu entry and the
 * cues are for. The answer itself runs only when the handoff lets the route through: for a
 * message still pending in a conversation that was closed meanwhile (a quick "/selesai" then
 * "/pustakawan" both land in the conversation the first one closes). A relay without a handoff
 * is allowed by RelayOptions but not built by main.ts. Then: ask again (the next message opens a
 * new conversation, which the handoff takes) and the library's contact.
 */
export const librarian = defineAnswer({
  name: "librarian",
  commands: { id: "pustakawan", en: "librarian" },
  menu: {
    order: 80,
    help: { id: "bicara dengan pustakawan", en: "talk to a librarian" },
    commandList: { id: "Bicara dengan pustakawan", en: "Talk to a librarian" },
  },
  intent: {
    precedence: 10,
    cues: [
      cue("pustakawan", 3, "id"),
      cue("petugas", 3, "id"),
      cue("bicara dengan orang", 3, "id"),
      cue("manusia", 2.5, "id"),
      cue("operator", 2.5),
      cue("admin", 2),
      cue("librarian", 3, "en"),
      cue("human", 3, "en"),
      cue("real person", 3, "en"),
      cue("talk to someone", 3, "en"),
      cue("staff", 2, "en"),
    ],
  },
  answer: (ctx) => ({ replies: [{ text: texts.librarian(ctx.lang, ctx.library.contact) }] }),
});
