import { libraryTexts as say, loanLine } from "../texts-library";
import type { Answer } from "./answer";

/** /pinjaman /loans: the linked member's current loans with due dates and renewals. */
export const loans: Answer = {
  name: "loans",
  answer: async (ctx) => {
    if (!ctx.memberId) return { replies: [{ text: say.needLink(ctx.lang) }] };
    const current = await ctx.services.ils.currentLoans(ctx.memberId, ctx.today);
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
};
