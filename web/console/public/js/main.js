// @ts-check
/**
 * The librarian console page: boot (session or login), and routing between its views — the
 * tabs (queue, search, admin, dead letters), the conversation pane, the language switch.
 *
 * Browser ES modules, no bundler and no build step: index.html loads this file with
 * `<script type="module">` after the classic Socket.IO client script, both from our own origin
 * (CSP `script-src 'self'`). Type-checked with JSDoc against the server's event maps
 * (web/console/public/tsconfig.json, `npm run typecheck`).
 *
 * No view library, on purpose. The page is a fixed layout in index.html whose views fill a few
 * lists and forms: what the code does is "replace these list items", which plain DOM and the
 * el() helper (dom.js) say in as few lines as a template would. Lit or Preact+htm would work
 * under the CSP (tagged templates, no eval), but would add a runtime dependency to vendor or
 * serve, a rendering model to learn, and a rewrite of every view with behaviour to re-test,
 * for no feature the console needs today. The textContent-only rule stays one grep (and an
 * ESLint rule) away. Worth revisiting if a view grows real local state (an FAQ editor with
 * nested drafts, say): then Lit, served from node_modules through an allowlist.
 */
import { get } from "./api.js";
import { $ } from "./dom.js";
import { applyTexts, setLanguage } from "./i18n.js";
import { connectLive } from "./live.js";
import { prepareAlerts } from "./notify.js";
import { state } from "./state.js";
import { loadAdmin, initAdmin } from "./views/admin.js";
import { initAnnouncements, loadAnnouncements, leaveAnnouncements } from "./views/announcements.js";
import { initAudit, loadAudit } from "./views/audit.js";
import { loadCalendar, renderCalendar } from "./views/calendar.js";
import { loadDeadLetters } from "./views/dead-letters.js";
import { initConversation, openConversation, renderConversation } from "./views/conversation.js";
import { initLogin, showLogin } from "./views/login.js";
import { onConversationChosen, renderLists } from "./views/queue.js";
import { initReply } from "./views/reply.js";
import { initSearch } from "./views/search.js";
import { initRecords } from "./views/records.js";
import { initFaq, loadFaq } from "./views/faq.js";

const TABS = [
  "queue",
  "search",
  "admin",
  "dead-letters",
  "records",
  "audit",
  "calendar",
  "faq",
  "announcements",
];

/**
 * Signed in (a new login or a session that still holds): shows the app and goes live.
 * @param {import("./types.js").Me} who
 * @param {string} csrf
 */
function enterApp(who, csrf) {
  state.me = who;
  state.csrfToken = csrf;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("logout").hidden = false;
  $("me").textContent = `${who.displayName} (${who.role})`;
  document.querySelector('[data-tab="admin"]')?.toggleAttribute("hidden", who.role !== "admin");
  document
    .querySelector('[data-tab="dead-letters"]')
    ?.toggleAttribute("hidden", who.role !== "admin" && who.role !== "librarian");
  document
    .querySelector('[data-tab="records"]')
    ?.toggleAttribute("hidden", who.role !== "admin" && who.role !== "auditor");
  document
    .querySelector('[data-tab="audit"]')
    ?.toggleAttribute("hidden", who.role !== "admin" && who.role !== "auditor");
  prepareAlerts();
  connectLive();
}

function initTabs() {
  for (const button of document.querySelectorAll("nav#tabs button")) {
    button.addEventListener("click", () => {
      const tab = /** @type {HTMLElement} */ (button).dataset.tab;
      for (const b of document.querySelectorAll("nav#tabs button"))
        b.classList.toggle("active", b === button);
      for (const name of TABS) $(`tab-${name}`).hidden = name !== tab;
      if (tab === "admin") void loadAdmin();
      if (tab === "dead-letters") void loadDeadLetters();
      if (tab === "audit") loadAudit();
      if (tab === "calendar") void loadCalendar();
      if (tab === "faq") void loadFaq();
      if (tab === "announcements") void loadAnnouncements();
      else leaveAnnouncements();
    });
  }
}

function initLanguage() {
  $("lang").addEventListener("change", () => {
    setLanguage(/** @type {HTMLSelectElement} */ ($("lang")).value);
    applyTexts();
    renderLists();
    if (state.current) renderConversation();
    renderCalendar();
  });
}

async function boot() {
  applyTexts();
  const session = await get("/api/session");
  if (session.ok) {
    if (typeof session.data.timeZone === "string") state.timeZone = session.data.timeZone;
    enterApp(session.data.me, session.data.csrfToken);
  } else showLogin();
}

onConversationChosen((id) => void openConversation(id));
initLogin(enterApp);
initLanguage();
initTabs();
initConversation();
initReply();
initSearch();
initRecords();
initAdmin();
initAudit();
initFaq();
initAnnouncements();
// Waiting times ("12 mnt") age while nobody pushes anything.
setInterval(() => renderLists(), 60_000);
void boot();
