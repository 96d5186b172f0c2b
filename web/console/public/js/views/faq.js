// @ts-check
/**
 * The FAQ tab (docs/faq.md): the entries with their status, version and ratings; an editor
 * (librarians and admins: create, save as a new version, publish, retire; the server refuses
 * auditors too); an entry's version history; the questions the bot could not answer, grouped,
 * each with "make an FAQ entry" that prefills the editor. Every text goes in as textContent.
 */
import { $, el, field } from "../dom.js";
import { errorText, lang, t } from "../i18n.js";
import { ask } from "../socket.js";
import { state } from "../state.js";
import { dateTime } from "../time.js";

/** @typedef {import("../../../../../shared/faq/store").FaqEntryView} FaqEntryView */
/** @typedef {import("../../../../../shared/faq/content").FaqContent} FaqContent */
/** @typedef {import("../../../../../shared/faq/content").UnansweredGroup} UnansweredGroup */

/** @type {number | null} the entry in the editor; null: a new one */
let editing = null;

const lines = (/** @type {string} */ id) =>
  field(id)
    .value.split("\n")
    .map((s) => s.trim())
    .filter(Boolean);

/** @returns {FaqContent} */
function formContent() {
  return {
    id: { questions: lines("faq-questions-id"), answer: field("faq-answer-id").value },
    en: { questions: lines("faq-questions-en"), answer: field("faq-answer-en").value },
    keywords: field("faq-keywords")
      .value.split(/[|,]/)
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/** @param {FaqContent | null} c @param {string} slug */
function fill(c, slug) {
  field("faq-slug").value = slug;
  field("faq-slug").disabled = editing !== null;
  field("faq-questions-id").value = c ? c.id.questions.join("\n") : "";
  field("faq-answer-id").value = c ? c.id.answer : "";
  field("faq-questions-en").value = c ? c.en.questions.join("\n") : "";
  field("faq-answer-en").value = c ? c.en.answer : "";
  field("faq-keywords").value = c ? c.keywords.join(", ") : "";
  $("faq-status-buttons").hidden = editing === null;
}

/** @param {string} message */
const say = (message) => ($("faq-error").textContent = message);

/** @param {FaqEntryView} e */
function entryItem(e) {
  const item = el(
    "li",
    { className: "faq-entry" },
    el("strong", { text: e.content[lang === "en" ? "en" : "id"].questions[0] ?? e.slug }),
    el("div", {
      className: "conv-meta",
      text: `${e.slug} · ${t(`faqStatus_${e.status}`)} · v${e.version} · 👍 ${e.ratings.up} · 👎 ${e.ratings.down}`,
    }),
  );
  item.addEventListener("click", () => void openEntry(e.id));
  return item;
}

/** @param {number} id */
async function openEntry(id) {
  const res = await ask("faq:history", id);
  if (!res.ok) return say(errorText(res.error));
  editing = id;
  fill(res.entry.content, res.entry.slug);
  $("faq-history").replaceChildren(
    ...res.versions.map((v) =>
      el(
        "li",
        {},
        el("div", { className: "conv-meta", text: `v${v.version} · ${dateTime(v.createdAt)}` }),
        el("div", { text: v.content.id.answer }),
        el("div", { className: "muted", text: v.content.en.answer }),
      ),
    ),
  );
}

/** @param {UnansweredGroup} g */
function groupItem(g) {
  const make = /** @type {HTMLButtonElement} */ (el("button", { text: t("faqMakeEntry") }));
  make.type = "button";
  make.hidden = state.me?.role === "auditor";
  make.addEventListener("click", () => {
    editing = null;
    fill(null, "");
    field("faq-questions-id").value = g.examples.join("\n");
    $("faq-history").replaceChildren();
  });
  return el(
    "li",
    {},
    el("strong", { text: `${g.count}× ${g.examples[0] ?? ""}` }),
    el("div", { className: "conv-meta", text: `${g.examples.slice(1).join(" · ")} — ${dateTime(g.lastAt)}` }),
    make,
  );
}

/** Reads the entries and the unanswered questions again. */
export async function loadFaq() {
  $("faq-editor").hidden = state.me?.role === "auditor";
  const [list, unanswered] = await Promise.all([ask("faq:list"), ask("faq:unanswered")]);
  if (list.ok) $("faq-list").replaceChildren(...list.entries.map(entryItem));
  if (unanswered.ok) $("faq-unanswered").replaceChildren(...unanswered.groups.map(groupItem));
}

/** @param {"published" | "retired" | "draft"} status */
async function setStatus(status) {
  if (editing === null) return;
  const res = await ask("faq:status", { id: editing, status });
  if (!res.ok) return say(errorText(res.error));
  say("");
  await loadFaq();
}

export function initFaq() {
  $("faq-editor").addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      const content = formContent();
      const res =
        editing === null
          ? await ask("faq:create", { slug: field("faq-slug").value, content })
          : await ask("faq:edit", { id: editing, content });
      if (!res.ok) return say(errorText(res.error));
      say("");
      await openEntry(res.entry.id);
      await loadFaq();
    })();
  });
  $("faq-new").addEventListener("click", () => {
    editing = null;
    fill(null, "");
    $("faq-history").replaceChildren();
  });
  $("faq-publish").addEventListener("click", () => void setStatus("published"));
  $("faq-retire").addEventListener("click", () => void setStatus("retired"));
}
