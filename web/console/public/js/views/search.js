// @ts-check
/** The search tab: past conversations by patron name, member ID, message text and date range. */
import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { ask } from "../socket.js";
import { conversationItem } from "./queue.js";

/** Wires the search form (once, at boot). */
export function initSearch() {
  $("search-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    /** @param {string} id */
    const v = (id) => /** @type {HTMLInputElement} */ ($(id)).value.trim();
    const result = await ask("search", {
      ...(v("search-text") ? { text: v("search-text") } : {}),
      ...(v("search-member") ? { memberId: v("search-member") } : {}),
      ...(v("search-from") ? { from: v("search-from") } : {}),
      ...(v("search-to") ? { to: v("search-to") } : {}),
    });
    const list = $("search-results");
    if (!result.ok) return;
    list.replaceChildren(
      ...(result.conversations.length
        ? result.conversations.map(conversationItem)
        : [el("li", { className: "conv-meta", text: t("noResults") })]),
    );
  });
}
