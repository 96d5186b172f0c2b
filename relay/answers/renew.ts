/**
 * /perpanjang /renew: list the renewable loans (buttons on Telegram, numbers anywhere), confirm,
 * then renew through the library system — or say why not. A renewal is done once per
 * confirming message: its result is audited at once (outside the answer's transaction), so a
 * retried job finds it and answers the same instead of renewing twice. A renewal that stopped
 * between its writes (loan renewed, fine not written) is completed by the retry through its
 * journal (shared/renewal-intents.ts), so the fine is never lost and never written twice.
 */
import { findAudit, recordAudit } from "../../shared/audit";
import { renewalJournal } from "../../shared/renewal-intents";
import type { RenewableLoan, RenewalResult } from "../../shared/library/port";
import { libraryTexts as say, refusal } from "../../shared/texts";
import { cue } from "../intents";
import { defineAnswer, type AnswerContext, type AnswerResult } from "./answer";

type RenewDialog = { step: "renew_pick"; loanIds: number[] } | { step: "renew_confirm"; loanId: number };

const YES = new Set(["ya", "y", "yes", "iya", "ok", "oke", "setuju", "lanjut"]);

export const renew = defineAnswer({
  name: "renew",
  privateOnly: true,
  commands: { id: "perpanjang", en: "renew" },
  menu: {
    order: 30,
    help: { id: "perpanjang pinjaman", en: "renew a loan" },
    commandList: { id: "Perpanjang pinjaman", en: "Renew a loan" },
  },
  intent: {
    precedence: 40,
    cues: [
      cue("perpanjang", 3.5, "id"),
      cue("perpanjangan", 3.5, "id"),
      cue("memperpanjang", 3.5, "id"),
      cue("renew", 3.5, "en"),
      cue("renewal", 3.5, "en"),
      cue("extend", 3, "en"),
    ],
  },
  dialogSteps: ["renew_pick", "renew_confirm"],
  answer: async (ctx) => {
    if (!ctx.memberId) return { replies: [{ text: say.needLink(ctx.lang) }], dialog: null };
    const [verb, arg] = ctx.args.toLowerCase().split(/\s+/);
    const dialog = ctx.dialog as Partial<RenewDialog>;
    if (verb === "ya" && arg) return confirmed(ctx, ctx.memberId, Number(arg));
    if (verb === "pilih" && arg) return confirm(ctx, ctx.memberId, Number(arg));
    if (
      !ctx.args &&
      dialog.step === "renew_confirm" &&
      YES.has(ctx.text.toLowerCase().replace(/[^a-z]/g, ""))
    ) {
      return confirmed(ctx, ctx.memberId, dialog.loanId!);
    }
    if (!ctx.args && dialog.step === "renew_pick" && /^\d{1,2}$/.test(ctx.text.trim())) {
      const loanId = dialog.loanIds?.[Number(ctx.text.trim()) - 1];
      if (loanId === undefined) return { replies: [{ text: say.pickAgain(ctx.lang) }] };
      return confirm(ctx, ctx.memberId, loanId);
    }
    if (dialog.step && !ctx.text.startsWith("/")) return { replies: [{ text: say.pickAgain(ctx.lang) }] };
    return list(ctx, ctx.memberId);
  },
});

async function list(ctx: AnswerContext, memberId: string): Promise<AnswerResult> {
  const loans = await ctx.services.librarySystem.renewableLoans(memberId, ctx.today);
  if (loans.length === 0) return { replies: [{ text: say.noLoans(ctx.lang) }], dialog: null };
  const renewable = loans.filter((l) => l.renewable);
  const refused = loans
    .filter((l): l is RenewableLoan & { renewable: false } => !l.renewable)
    .map((l) => say.notRenewableLine(ctx.lang, l.title || l.itemCode, refusal(ctx.lang, l.reason)));
  if (renewable.length === 0) {
    return { replies: [{ text: [say.renewNothing(ctx.lang), ...refused].join("\n") }], dialog: null };
  }
  const lines = renewable.map((l, i) => `${i + 1}. ${l.title || l.itemCode}`);
  return {
    replies: [
      {
        text: [say.renewPick(ctx.lang), ...lines, ...(refused.length ? ["", ...refused] : [])].join("\n"),
        buttons: [
          ...renewable.map((l, i) => [
            {
              text: `${i + 1}. ${(l.title || l.itemCode).slice(0, 40)}`,
              data: `/perpanjang pilih ${l.loanId}`,
            },
          ]),
          [{ text: say.cancelButton(ctx.lang), data: "/batal" }],
        ],
      },
    ],
    dialog: { step: "renew_pick", loanIds: renewable.map((l) => l.loanId) },
  };
}

async function confirm(ctx: AnswerContext, memberId: string, loanId: number): Promise<AnswerResult> {
  const loans = await ctx.services.librarySystem.renewableLoans(memberId, ctx.today);
  const loan = loans.find((l) => l.loanId === loanId);
  if (!loan) return { replies: [{ text: refusal(ctx.lang, "not_on_loan") }], dialog: null };
  if (!loan.renewable) {
    return {
      replies: [
        { text: say.renewRefused(ctx.lang, loan.title || loan.itemCode, refusal(ctx.lang, loan.reason)) },
      ],
      dialog: null,
    };
  }
  const fineNote =
    loan.fineEstimate > 0
      ? ctx.services.renewalPolicy.waiveFines
        ? say.fineWillWaive(ctx.lang, loan.fineEstimate)
        : say.fineWillCharge(ctx.lang, loan.fineEstimate)
      : "";
  return {
    replies: [
      {
        text: say.renewConfirm(ctx.lang, loan, fineNote),
        buttons: [
          [
            { text: say.confirmButton(ctx.lang), data: `/perpanjang ya ${loan.loanId}` },
            { text: say.cancelButton(ctx.lang), data: "/batal" },
          ],
        ],
      },
    ],
    dialog: { step: "renew_confirm", loanId: loan.loanId },
  };
}

async function confirmed(ctx: AnswerContext, memberId: string, loanId: number): Promise<AnswerResult> {
  if (!Number.isInteger(loanId)) return { replies: [{ text: say.pickAgain(ctx.lang) }] };
  const subject = `message:${ctx.messageId}`;
  // A retry of this very message: answer what was done, do not renew again.
  const earlier = (await findAudit(ctx.services.db, "renewal", subject)) as { result?: RenewalResult } | null;
  let result = earlier?.result;
  if (!result) {
    // The journal lets a retry finish a renewal that stopped between its writes (fine lost).
    result = await ctx.services.librarySystem.renew(memberId, loanId, {
      today: ctx.today,
      now: ctx.now,
      journal: renewalJournal(ctx.services.db, subject),
    });
    await recordAudit(ctx.services.db, [
      {
        actorKind: "patron",
        actorId: `${ctx.channel}:${ctx.senderId || ctx.chatId}`,
        action: "renewal",
        subject,
        detail: { memberId, loanId, result },
      },
    ]);
  }
  if (!result.ok) {
    const loans = await ctx.services.librarySystem.currentLoans(memberId, ctx.today);
    const title = loans.find((l) => l.loanId === loanId)?.title ?? String(loanId);
    return {
      replies: [
        {
          text: say.renewRefused(ctx.lang, title, refusal(ctx.lang, result.reason)),
          meta: { loanId, refused: result.reason },
        },
      ],
      dialog: null,
    };
  }
  let text = say.renewed(ctx.lang, result.title || result.itemCode, result.newDueDate);
  if (result.fineCharged > 0) text += say.fineCharged(ctx.lang, result.fineCharged);
  if (result.fineWaived > 0) text += say.fineWaived(ctx.lang, result.fineWaived);
  return {
    replies: [
      {
        text,
        meta: {
          loanId,
          itemCode: result.itemCode,
          oldDueDate: result.oldDueDate,
          newDueDate: result.newDueDate,
          fineCharged: result.fineCharged,
          fineWaived: result.fineWaived,
        },
      },
    ],
    dialog: null,
  };
}
