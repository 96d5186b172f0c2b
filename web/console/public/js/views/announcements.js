// @ts-check
/**
 * The announcements tab (docs/reminders.md): every signed-in staff member sees the latest
 * announcements with their counts (recipients, queued, sent, failed), refreshed every second
 * while one is still going out; admins also write one (Indonesian, optional English) and choose
 * its channels. The server checks the role too. Everything is put in as text.
 */
import { get, post } from "../api.js";
import { $, el, field } from "../dom.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import { dateTime } from "../time.js";

/** @typedef {import("../../../api").ConsoleApi["GET /api/announcements"]["reply"]} List */
/** @typedef {List["announcements"][number]} Announcement */

const POLL_MS = 1000;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
/** @type {Announcement[]} */
let shown = [];

/** @param {Announcement} a */
function progress(a) {
  const phase = a.state === "pending" ? t("annPending") : a.done ? t("annDone") : t("annSending");
  return `${phase} · ${a.recipients} ${t("annRecipients")} · ${a.queued} ${t("annQueued")} · ${a.sent} ${t("annSent")} · ${a.failed} ${t("annFailed")}`;
}

/** @param {Announcement} a */
function item(a) {
  return el(
    "li",
    { className: "announcement" },
    el("div", {
      className: "conv-meta",
      text: `#${a.id} · ${dateTime(a.createdAt)} · ${a.createdBy} · ${a.channels.join(", ")}`,
    }),
    el("div", { text: a.textId }),
    ...(a.textEn ? [el("div", { className: "muted", text: a.textEn })] : []),
    el("div", { className: a.failed > 0 ? "error" : a.done ? "ok" : "", text: progress(a) }),
  );
}

function render() {
  $("announcement-list").replaceChildren(...shown.map(item));
}

/** While one is still going out, its counts are read again every second (only while the tab is open). */
function schedulePoll() {
  clearTimeout(timer);
  if (!shown.some((a) => !a.done)) return;
  timer = setTimeout(async () => {
    for (const a of shown.filter((x) => !x.done)) {
      const res = await get(`/api/announcements/${a.id}`);
      if (res.ok) shown = shown.map((x) => (x.id === a.id ? res.data.announcement : x));
    }
    render();
    schedulePoll();
  }, POLL_MS);
}

/** @param {string[]} channels */
function renderChannels(channels) {
  const box = $("announcement-channels");
  const legend = box.querySelector("legend");
  box.replaceChildren(
    ...(legend ? [legend] : []),
    ...channels.map((name) => {
      const input = el("input");
      /** @type {HTMLInputElement} */ (input).type = "checkbox";
      /** @type {HTMLInputElement} */ (input).value = name;
      /** @type {HTMLInputElement} */ (input).checked = true;
      return el("label", {}, input, ` ${name}`);
    }),
  );
}

/** Reads the list again (the tab was opened). */
export async function loadAnnouncements() {
  $("announcement-form").hidden = state.me?.role !== "admin";
  const res = await get("/api/announcements");
  if (!res.ok) return;
  /** @type {List} */
  const data = res.data;
  shown = data.announcements;
  renderChannels(data.channels);
  render();
  schedulePoll();
}

/** The tab was left: no more polling. */
export function leaveAnnouncements() {
  clearTimeout(timer);
  timer = undefined;
}

export function initAnnouncements() {
  $("announcement-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const textId = field("announcement-id").value.trim();
    const textEn = field("announcement-en").value.trim();
    const channels = [...$("announcement-channels").querySelectorAll("input:checked")].map(
      (i) => /** @type {HTMLInputElement} */ (i).value,
    );
    if (channels.length === 0) {
      $("announcement-result").textContent = t("annNoChannel");
      return;
    }
    if (!textId || !window.confirm(t("annConfirm"))) return;
    const res = await post("/api/announcements", { textId, textEn, channels });
    if (res.status !== 201) {
      $("announcement-result").textContent = String(res.data.error ?? res.status);
      return;
    }
    $("announcement-result").textContent = t("annCreated");
    field("announcement-id").value = "";
    field("announcement-en").value = "";
    shown = [res.data.announcement, ...shown.filter((a) => a.id !== res.data.announcement.id)];
    render();
    schedulePoll();
  });
}
