// @ts-check
/** Times as the page shows them: always in the library's time zone, in the UI language. */
import { lang, t } from "./i18n.js";
import { state } from "./state.js";

/**
 * How long ago, roughly ("baru saja", "12 mnt", "3 jam"); "" without a time.
 * @param {string | null} since ISO time
 */
export function age(since) {
  if (!since) return "";
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 60000));
  if (minutes < 1) return t("justNow");
  if (minutes < 120) return `${minutes} ${t("minutes")}`;
  return `${Math.round(minutes / 60)} ${t("hours")}`;
}

/** @param {string} iso a message's time: hours and minutes */
export const clock = (iso) =>
  new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", timeZone: state.timeZone });

/** @param {string} iso date and time */
export const dateTime = (iso) => new Date(iso).toLocaleString(lang, { timeZone: state.timeZone });
