// @ts-check
/**
 * Replying in the open conversation: the reply box (Ctrl/⌘+Enter sends), canned replies to
 * insert, and one idempotency key per draft.
 */
import { uploadFile } from "../api.js";
import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { ask } from "../socket.js";
import { state } from "../state.js";
import { showResult } from "./result.js";

const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * One key per draft, kept until the server confirms it: when an answer is lost (timeout, a
 * dropped connection) the reply may already be written, and sending again with the same key
 * returns that reply instead of sending the patron a second copy.
 */
let draftKey = newKey();

/** Fills the canned-reply picker from state.canned (keeping its first, empty, option). */
export function renderCanned() {
  const select = $("canned-select");
  const first = select.firstElementChild;
  select.replaceChildren(
    ...(first ? [first] : []),
    ...state.canned.map((c) => {
      const option = /** @type {HTMLOptionElement} */ (el("option", { text: c.title }));
      option.value = String(c.id);
      return option;
    }),
  );
}

/** Wires the reply form (once, at boot). */
export function initReply() {
  $("canned-select").addEventListener("change", () => {
    const select = /** @type {HTMLSelectElement} */ ($("canned-select"));
    const reply = state.canned.find((c) => String(c.id) === select.value);
    if (reply) {
      const box = /** @type {HTMLTextAreaElement} */ ($("reply-text"));
      box.value = box.value ? `${box.value}\n${reply.text}` : reply.text;
      box.focus();
    }
    select.value = "";
  });

  const picker = /** @type {HTMLInputElement} */ ($("reply-file"));
  const clearFile = () => {
    picker.value = "";
    $("reply-file-clear").hidden = true;
  };
  picker.addEventListener("change", () => {
    $("reply-file-clear").hidden = !picker.files?.length;
  });
  $("reply-file-clear").addEventListener("click", () => {
    clearFile();
    picker.focus();
  });

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.current) return;
    const box = /** @type {HTMLTextAreaElement} */ ($("reply-text"));
    const text = box.value.trim();
    const file = picker.files?.[0];
    if (!text && !file) return;
    $("send").toggleAttribute("disabled", true);
    try {
      // The file first (stored once per content, so sending again after a lost answer is harmless),
      // then the reply that carries its id.
      let mediaId;
      if (file) {
        const uploaded = await uploadFile(file);
        if (!uploaded.ok) {
          $("conv-error").textContent = `${t("attachFailed")}: ${uploaded.error}`;
          return;
        }
        mediaId = uploaded.media.id;
      }
      const result = await ask("message:send", {
        conversationId: state.current.conversation.id,
        text,
        clientKey: draftKey,
        ...(mediaId ? { mediaId } : {}),
      });
      if (showResult(result)) {
        box.value = "";
        clearFile();
        draftKey = newKey();
      }
    } finally {
      $("send").toggleAttribute("disabled", false);
    }
  });

  $("reply-text").addEventListener("keydown", (event) => {
    const e = /** @type {KeyboardEvent} */ (event);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey))
      /** @type {HTMLFormElement} */ ($("reply-form")).requestSubmit();
  });
}
