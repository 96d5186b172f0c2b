import { libraryTexts as say, loanLine } from "../../shared/texts";
import { cue } from "../intents";
import { defineAnswer } from "./answer";

/** /pinjaman /loans: the linked member's current loans with due dates and renewals. */
export const loans = defineAnswer({
  name: "loans",
  privateOnly: true,
  commands: { id: "pinjaman", en: "loans" },
  menu: {
    order: 20,
    help: { id: "pinjaman Anda dan jatuh temponya", en: "your loans and due dates" },
    commandList: { id: "Pinjaman saya dan jatuh temponya", en: "My loans and due dates" },
  },
  intent: {
    precedence: 60,
    cues: [
      cue("pinjaman", 3, "id"),
      cue("pinjam", 2, "id"),
      cue("dipinjam", 2.5, "id"),
      cue("peminjaman", 3, "id"),
      cue("harus kembali", 3, "id"),
      cue("dikembalikan", 2.5, "id"),
      cue("jatuh tempo", 3, "id"),
      cue("buku saya", 2, "id"),
      cue("loans", 3, "en"),
      cue("loan", 2.5, "en"),
      cue("borrowed", 2.5, "en"),
      cue("due date", 3, "en"),
      cue("my books", 2.5, "en"),
    ],
  },
  answer: async (ctx) => {
    if (!ctx.memberId) return { replies: [{ text: say.needLink(ctx.lang) }] };
    const current = await ctx.services.librarySystem.currentLoans(ctx.memberId, ctx.today);
    if (current.length === 0) return { replies: [{ text: say.noLoans(ctx.lang) }] };
    const lines = current.map((loan, i) => loanLine(ctx.lang, loan, i + 1, ctx.today));
    return {
      replies: [
        {
          text: [
            say.loansTitle(ctx.lang, current.length, ctx.today),
            ...lines,
            "",
            say.loansFooter(ctx.lang),
          ].join("\n"),
          meta: { memberId: ctx.memberId, loanIds: current.map((l) => l.loanId) },
        },
      ],
    };
  },
});
