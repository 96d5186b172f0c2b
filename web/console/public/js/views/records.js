// @ts-check
/**
 * The records tab (auditors and admins; the server checks too): a form that makes the export's
 * download link (CSV, JSON Lines, or the same records as a printable transcript, HTML or PDF; a plain GET
 * the session cookie authorises, so the browser streams the file to disk), and the service
 * report: its three charts are SVG images the server draws, with a CSV link beside them.
 */
import { $, el } from "../dom.js";
import { lang, t } from "../i18n.js";
import { state } from "../state.js";

/** @param {string} id */
const value = (id) => /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id)).value.trim();

/** Today in the library's zone, YYYY-MM-DD (sv-SE formats dates that way). */
const today = () => new Date().toLocaleDateString("sv-SE", { timeZone: state.timeZone });

/** The same filters for every format: HTML and PDF are the printable transcript of those records. */
function exportUrl() {
  const format = value("export-format");
  const q = new URLSearchParams({ from: value("export-from"), to: value("export-to"), format });
  for (const [name, id] of [
    ["channel", "export-channel"],
    ["librarian", "export-librarian"],
    ["memberId", "export-member"],
    ["conversation", "export-conversation"],
  ]) {
    const v = value(/** @type {string} */ (id));
    if (v) q.set(/** @type {string} */ (name), v);
  }
  return `/api/export?${q}`;
}

function showReport() {
  const q = new URLSearchParams({
    from: value("report-from"),
    to: value("report-to"),
    period: value("report-period"),
  });
  const csv = /** @type {HTMLAnchorElement} */ ($("report-csv"));
  csv.href = `/api/report?${q}&format=csv`;
  csv.textContent = t("reportCsv");
  csv.hidden = false;
  $("report-charts").replaceChildren(
    ...["volume", "response", "renewals"].map((kind) => {
      const img = /** @type {HTMLImageElement} */ (el("img", { className: "report-chart" }));
      img.alt = kind;
      img.src = `/api/report/chart/${kind}?${q}&lang=${lang}`;
      return img;
    }),
  );
}

export function initRecords() {
  for (const id of ["export-from", "export-to", "report-from", "report-to"])
    /** @type {HTMLInputElement} */ ($(id)).value = today();
  $("export-form").addEventListener("submit", (event) => {
    event.preventDefault();
    $("export-error").textContent = "";
    const link = /** @type {HTMLAnchorElement} */ ($("export-link"));
    try {
      link.href = exportUrl();
      link.textContent = `${t("exportDownload")}: ${link.href}`;
      link.hidden = false;
    } catch (err) {
      link.hidden = true;
      $("export-error").textContent = err instanceof Error ? err.message : String(err);
    }
  });
  $("report-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showReport();
  });
}
