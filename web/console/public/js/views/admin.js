// @ts-check
/**
 * The admin tab (admins only; the server checks too): staff accounts (add, disable/enable,
 * reset a password) over HTTP, and canned replies (add, delete).
 */
import { get, post } from "../api.js";
import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { ask } from "../socket.js";
import { state } from "../state.js";
import { loadChannels } from "./channels.js";
import { renderCanned } from "./reply.js";

/** @typedef {{ id: number, username: string, displayName: string, role: string, active: boolean }} StaffAccount */

/** @param {{ status: number, data: any }} r @param {number} okStatus */
function showAdminResult(r, okStatus) {
  $("admin-error").textContent = r.status === okStatus ? "" : (r.data.error ?? t("errorFailed"));
}

/** @param {StaffAccount} s */
function staffRow(s) {
  const toggle = el("button", { className: "secondary", text: s.active ? t("disable") : t("enable") });
  toggle.addEventListener("click", async () => {
    showAdminResult(await post("/api/staff/active", { username: s.username, active: !s.active }), 200);
    void loadAdmin();
  });
  const reset = el("button", { className: "secondary", text: t("resetPassword") });
  reset.addEventListener("click", async () => {
    const password = prompt(`${t("askPassword")} ${s.username}`);
    if (!password) return;
    showAdminResult(await post("/api/staff/password", { username: s.username, password }), 200);
  });
  return el(
    "tr",
    {},
    el("td", { text: s.username }),
    el("td", { text: s.displayName }),
    el("td", { text: s.role }),
    el("td", { text: s.active ? "✓" : "✗", title: s.active ? t("enable") : t("disable") }),
    el("td", {}, toggle, " ", reset),
  );
}

/** Reads the staff accounts and canned replies again and shows them. */
export async function loadAdmin() {
  const res = await get("/api/staff");
  if (!res.ok) return;
  /** @type {{ staff: StaffAccount[] }} */
  const { staff } = res.data;
  const body = /** @type {HTMLTableElement} */ ($("staff-table")).tBodies[0];
  body.replaceChildren(...staff.map(staffRow));
  const replies = await ask("canned:list");
  if (replies.ok) state.canned = replies.replies;
  renderCanned();
  void loadChannels();
  $("canned-list").replaceChildren(
    ...state.canned.map((c) => {
      const del = el("button", { className: "secondary", text: t("delete") });
      del.addEventListener("click", async () => {
        await post("/api/canned/delete", { id: c.id });
        void loadAdmin();
      });
      return el("li", {}, el("strong", { text: c.title }), ` — ${c.text.slice(0, 80)} `, del);
    }),
  );
}

/** Wires the admin forms (once, at boot). */
export function initAdmin() {
  $("staff-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    /** @param {string} id */
    const v = (id) => /** @type {HTMLInputElement} */ ($(id)).value;
    const r = await post("/api/staff", {
      username: v("staff-username"),
      displayName: v("staff-name"),
      role: v("staff-role"),
      password: v("staff-password"),
    });
    showAdminResult(r, 201);
    if (r.status === 201) /** @type {HTMLFormElement} */ ($("staff-form")).reset();
    void loadAdmin();
  });

  $("canned-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const r = await post("/api/canned", {
      title: /** @type {HTMLInputElement} */ ($("canned-title")).value,
      text: /** @type {HTMLTextAreaElement} */ ($("canned-text")).value,
    });
    showAdminResult(r, 201);
    if (r.status === 201) /** @type {HTMLFormElement} */ ($("canned-form")).reset();
    void loadAdmin();
  });
}
