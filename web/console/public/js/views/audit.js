// @ts-check
/**
 * The audit tab (auditors and admins; the server checks too): runs audit:verify on the database
 * now and lists every finding with the row it names (docs/audit.md); admins also execute a
 * member's erasure request. Everything is put in as text.
 */
import { post } from "../api.js";
import { $, el, field } from "../dom.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import { dateTime } from "../time.js";

/** @typedef {import("../../../api").ConsoleApi["POST /api/audit/verify"]["reply"]["report"]} Report */

/** @param {Report} report */
function renderReport(report) {
  const summary = `${report.ok ? t("auditOk") : t("auditFailed")} · ${dateTime(report.checkedAt)} · ${report.chainedRows} ${t("auditRows")} · ${report.chains} ${t("auditChains")} · ${report.checkpoints} ${t("auditCheckpoints")}`;
  $("audit-summary").replaceChildren(el("strong", { className: report.ok ? "ok" : "error", text: summary }));
  $("audit-findings").replaceChildren(
    ...report.issues.map((issue) =>
      el(
        "li",
        { className: "audit-finding" },
        el("span", { className: "badge", text: issue.kind }),
        el("span", { text: ` ${issue.detail}` }),
        ...(issue.differs ?? []).map((d) =>
          el("div", {
            className: "conv-meta",
            text: `${d.field}: ${JSON.stringify(d.chained)} → ${JSON.stringify(d.now)}`,
          }),
        ),
      ),
    ),
  );
}

export function initAudit() {
  $("audit-verify").addEventListener("click", async () => {
    $("audit-summary").replaceChildren(el("span", { className: "muted", text: t("auditRunning") }));
    $("audit-findings").replaceChildren();
    const res = await post("/api/audit/verify");
    if (res.status !== 200) {
      $("audit-summary").replaceChildren(
        el("span", { className: "error", text: String(res.data.error ?? res.status) }),
      );
      return;
    }
    renderReport(res.data.report);
  });
  $("erase-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const memberId = field("erase-member").value.trim();
    if (!memberId || !window.confirm(t("eraseConfirm").replace("{id}", memberId))) return;
    const res = await post("/api/audit/erase", { memberId });
    $("erase-result").textContent =
      res.status === 200
        ? t("erased").replace("{n}", String(res.data.result.messages))
        : String(res.data.error ?? res.status);
  });
}

/** Shows the erasure form to admins only (the server refuses anyone else). */
export function loadAudit() {
  $("erase-form").hidden = state.me?.role !== "admin";
}
