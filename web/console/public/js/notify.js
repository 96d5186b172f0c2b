// @ts-check
/**
 * Telling the librarian a patron is waiting: a short beep and, when the tab is hidden, a desktop
 * notification. Both are prepared once a librarian is signed in.
 *
 * @typedef {import("./types.js").ConversationSummary} ConversationSummary
 */
import { t } from "./i18n.js";
import { state } from "./state.js";

/** @type {AudioContext | undefined} */
let audio;

/** Prepares sound and asks once for permission to notify. */
export function prepareAlerts() {
  try {
    audio ??= new AudioContext();
  } catch {
    audio = undefined;
  }
  if ("Notification" in window && Notification.permission === "default")
    void Notification.requestPermission();
}

/** @param {ConversationSummary} summary a conversation that has just started waiting */
export function notifyWaiting(summary) {
  if (state.me?.role === "auditor") return;
  if (audio) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  }
  if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
    new Notification(t("newWaiting"), { body: summary.patronName, tag: `conv-${summary.id}` });
  }
}
