// @ts-check
/**
 * One conversation's history as list items: who said it, when, delivery status of what we sent
 * (a failed send shows its reason and, for writers, a retry button); and the internal notes.
 *
 * @typedef {import("../types.js").MessageRow} MessageRow
 * @typedef {import("../types.js").NoteRow} NoteRow
 */
import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { ask } from "../socket.js";
import { canWrite } from "../state.js";
import { clock, dateTime } from "../time.js";
import { showError } from "./result.js";

/**
 * @param {MessageRow} m
 * @param {boolean} [earlier] from an earlier conversation with the same patron
 */
export function messageItem(m, earlier = false) {
  const who =
    m.author === "patron"
      ? t("authorPatron")
      : m.author === "bot"
        ? t("authorBot")
        : m.author === "librarian"
          ? (m.authorStaffName ?? "?")
          : `${t("authorSystem")}${m.authorStaffName ? ` (${m.authorStaffName})` : ""}`;
  const text = m.kind === "text" || m.kind === "callback" ? (m.text ?? "") : `[${m.kind}] ${m.text ?? ""}`;
  const meta = el("span", { className: "msg-meta" });
  meta.append(`${who} · ${clock(m.createdAt)}`);
  if (earlier) meta.append(` · ${t("earlier")}`);
  if (m.direction === "out") {
    const statusKey = "status" + m.status[0].toUpperCase() + m.status.slice(1);
    const status = el("span", {
      className: `msg-status ${m.status}`,
      text: ` · ${t(statusKey)}${m.error ? `: ${m.error}` : ""}${delivery(m)}`,
    });
    meta.append(status);
    if (m.status === "failed" && canWrite()) {
      const retry = el("button", { className: "secondary", text: t("retry") });
      retry.addEventListener("click", async () => {
        const result = await ask("message:retry", m.id);
        if (!result.ok) showError(result.error);
      });
      meta.append(" ", retry);
    }
  }
  const item = el(
    "li",
    { className: `${m.author}${earlier ? " earlier" : ""}` },
    el("span", { className: "msg-text", text }),
    ...(m.media ? [fileOf(m.media)] : []),
    meta,
  );
  item.dataset.id = m.id;
  return item;
}

/** Raster types the server shows inline (it checks the bytes; anything else is a download). */
const PREVIEWABLE = new Set(["image/png", "image/jpeg", "image/webp", "image/gif"]);

/**
 * A message's file: a link to GET /api/media/:id (the session cookie goes with it), a preview
 * for an image, or why the file was not kept. Names are text, never markup.
 * @param {NonNullable<MessageRow["media"]>} media
 */
function fileOf(media) {
  const size = media.size === null ? "" : ` (${Math.ceil(media.size / 1024)} KB)`;
  const name = media.fileName ?? t("fileOpen");
  if (!media.id)
    return el("span", {
      className: "msg-file",
      text: `📎 ${name}${size}: ${t("fileNotStored")} — ${media.notStored ?? ""}`,
    });
  const href = `/api/media/${encodeURIComponent(media.id)}`;
  const link = /** @type {HTMLAnchorElement} */ (
    el("a", { text: `📎 ${name}${size}`, title: media.sha256 ?? "" })
  );
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener";
  const box = el("span", { className: "msg-file" }, link);
  if (PREVIEWABLE.has(media.mimeType)) {
    const img = /** @type {HTMLImageElement} */ (el("img"));
    img.src = href;
    img.alt = name;
    img.loading = "lazy";
    box.append(img);
  }
  return box;
}

/** @param {NoteRow} n */
export function noteItem(n) {
  return el("li", { text: `${n.staffName}: ${n.text}`, title: dateTime(n.createdAt) });
}

/** Shows the newest message. */
export function scrollMessages() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

/**
 * How far a sent reply got, where the channel says (WhatsApp's acks).
 * @param {MessageRow} m
 */
function delivery(m) {
  if (!m.delivery || m.status !== "sent") return "";
  return ` · ${t("delivery" + m.delivery[0].toUpperCase() + m.delivery.slice(1))}`;
}

/** @param {MessageRow} m a new message of the open conversation */
export function appendMessage(m) {
  $("messages").append(messageItem(m));
  scrollMessages();
}

/** @param {MessageRow} m a message of the open conversation whose delivery status changed */
export function replaceMessage(m) {
  const node = document.querySelector(`#messages li[data-id="${CSS.escape(m.id)}"]`);
  node?.replaceWith(messageItem(m));
}

/** @param {NoteRow} n a new note of the open conversation */
export function appendNote(n) {
  $("notes-list").append(noteItem(n));
}
