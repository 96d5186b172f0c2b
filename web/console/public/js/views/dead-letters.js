// @ts-check
/**
 * The dead-letters tab (admins and librarians; the server checks too): updates a channel sent
 * that could not be recorded, read-only, newest first. Everything is put in as text.
 */
import { get } from "../api.js";
import { $, el } from "../dom.js";
import { dateTime } from "../time.js";

/** @typedef {import("../../../api").ConsoleApi["GET /api/dead-letters"]["reply"]["deadLetters"][number]} DeadLetter */

/** @param {DeadLetter} d */
function deadLetterItem(d) {
  return el(
    "li",
    { className: "dead-letter" },
    el("div", {
      className: "conv-meta",
      text: `${dateTime(d.createdAt)} · ${d.channel} · ${d.reason} · ${d.attempts}× · ${d.channelKey ?? "—"}`,
    }),
    el("div", { className: "error", text: d.error }),
    el("pre", { text: d.payload }),
  );
}

/** Reads the dead letters again and shows them. */
export async function loadDeadLetters() {
  const res = await get("/api/dead-letters");
  if (!res.ok) return;
  /** @type {{ deadLetters: DeadLetter[] }} */
  const { deadLetters } = res.data;
  $("dead-letter-list").replaceChildren(...deadLetters.map(deadLetterItem));
}
