// @ts-check
/**
 * The page's language (Bahasa Indonesia or English): the librarian's choice, kept in
 * localStorage, else the browser's language; and the lookups every view uses.
 */
import { field } from "./dom.js";
import { EN, ID } from "./texts.js";

/** @typedef {"id" | "en"} Language */

/** @type {Record<Language, Record<string, string>>} */
const TEXTS = { id: ID, en: EN };

/** The language shown now (a live binding: read it, change it with setLanguage). */
export let lang = /** @type {Language} */ (localStorage.getItem("console.lang") === "en" ? "en" : "id");
if (!localStorage.getItem("console.lang") && navigator.language.toLowerCase().startsWith("en")) lang = "en";

/** @param {string} value what the language picker says; anything but "en" is Indonesian */
export function setLanguage(value) {
  lang = value === "en" ? "en" : "id";
  localStorage.setItem("console.lang", lang);
}

/**
 * A UI string in the current language (Indonesian when English lacks it, the key itself when both do).
 * @param {string} key
 */
export const t = (key) => TEXTS[lang][key] ?? TEXTS.id[key] ?? key;

/**
 * The text for an error code from the server ("not_waiting" → errorNotWaiting), or a generic one.
 * @param {string} code
 */
export function errorText(code) {
  const key = "error" + code.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());
  return TEXTS[lang][key] ? t(key) : t("errorFailed");
}

/** Puts the current language's strings in the static page (data-i18n, data-i18n-placeholder). */
export function applyTexts() {
  document.documentElement.lang = lang;
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(/** @type {HTMLElement} */ (node).dataset.i18n ?? "");
  }
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    const input = /** @type {HTMLInputElement} */ (node);
    input.placeholder = t(input.dataset.i18nPlaceholder ?? "");
  }
  field("lang").value = lang;
}
