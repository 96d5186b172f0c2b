// @ts-check
/**
 * Replying in the open conversation: the reply box (Ctrl/⌘+Enter sends), canned replies to
 * insert, and one idempotency key per draft.
 */
import { $, el } from "../dom.js";
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

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.current) return;
    const box = /** @type {HTMLTextAreaElement} */ ($("reply-text"));
    const text = box.value.trim();
    if (!text) return;
    $("send").toggleAttribute("disabled", true);
    const result = await ask("message:send", {
      conversationId: state.current.conversation.id,
      text,
      clientKey: draftKey,
    });
    $("send").toggleAttribute("disabled", false);
    if (showResult(result)) {
      box.value = "";
      draftKey = newKey();
    }
  });

  $("reply-text").addEventListener("keydown", (event) => {
    const e = /** @type {KeyboardEvent} */ (event);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey))
      /** @type {HTMLFormElement} */ ($("reply-form")).requestSubmit();
  });
}
