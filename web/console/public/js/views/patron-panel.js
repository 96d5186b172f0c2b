// @ts-check
/**
 * The patron panel of the open conversation: name, member ID (✓ when verified), current loans
 * from the library system, and "verify as member X" (writers only, audited by the server).
 *
 * @typedef {import("../types.js").PatronPanel} PatronPanel
 */
import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { ask } from "../socket.js";
import { canWrite, state } from "../state.js";
import { showResult } from "./result.js";

/** @param {PatronPanel} p */
export function renderPatron(p) {
  $("patron-name").textContent = p.name || t("none");
  $("patron-member").textContent = p.memberId
    ? `${p.memberId}${p.verified ? " ✓" : ""}`
    : `${t("none")} (${t("notMember")})`;
  const loans = $("patron-loans");
  if (p.loans) {
    loans.replaceChildren(
      ...(p.loans.length
        ? p.loans.map((l) =>
            el("li", {
              text: `${l.title || l.itemCode} — ${t("due")} ${l.dueDate ?? "?"}${l.daysLate ? ` (${t("late")} ${l.daysLate} ${t("days")})` : ""}`,
            }),
          )
        : [el("li", { text: t("noLoans") })]),
    );
  } else loans.replaceChildren(el("li", { text: p.loansError ? t("loansUnavailable") : t("none") }));
  $("verify-form").hidden = !canWrite() || !!p.memberId;
}

/** @param {(conversationId: number) => Promise<void>} reopen reads the conversation again once verified */
export function initPatronPanel(reopen) {
  $("verify-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { current } = state;
    if (!current) return;
    const input = /** @type {HTMLInputElement} */ ($("verify-member"));
    const result = await ask("patron:verify", {
      conversationId: current.conversation.id,
      memberId: input.value,
    });
    if (showResult(result)) {
      input.value = "";
      // Whatever is open now (the librarian may have moved on meanwhile) is read again.
      if (state.current) await reopen(state.current.conversation.id);
    }
  });
}
