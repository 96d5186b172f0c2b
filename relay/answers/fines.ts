import { libraryTexts as say } from "../../shared/texts";
import { cue } from "../intents";
import { defineAnswer } from "./answer";

/**
 * /denda /fines: the stored balance (what SLiMS has charged and not been paid), and, clearly
 * apart, an estimate for loans overdue now, computed with SLiMS's grace and holiday rules.
 */
export const fines = defineAnswer({
  name: "fines",
  privateOnly: true,
  commands: { id: "denda", en: "fines" },
  menu: {
    order: 40,
    help: { id: "denda Anda", en: "your fines" },
    commandList: { id: "Denda saya", en: "My fines" },
  },
  intent: {
    precedence: 50,
    cues: [
      cue("denda", 3.5, "id"),
      cue("berapa denda", 1, "id"),
      cue("fine", 3, "en"),
      cue("fines", 3.5, "en"),
      cue("owe", 3, "en"),
    ],
  },
  answer: async (ctx) => {
    if (!ctx.memberId) return { replies: [{ text: say.needLink(ctx.lang) }] };
    const summary = await ctx.services.librarySystem.fines(ctx.memberId, ctx.today);
    const parts = [say.finesBalance(ctx.lang, summary.balance)];
    const charged = summary.loans.filter((l) => l.fineEstimate > 0);
    if (charged.length > 0) {
      parts.push(
        say.finesEstimate(
          ctx.lang,
          summary.overdueEstimate,
          charged.map((l) => say.estimateLine(ctx.lang, l)),
        ),
      );
    }
    return {
      replies: [
        {
          text: parts.join("\n\n"),
          meta: {
            memberId: ctx.memberId,
            balance: summary.balance,
            overdueEstimate: summary.overdueEstimate,
          },
        },
      ],
    };
  },
});
