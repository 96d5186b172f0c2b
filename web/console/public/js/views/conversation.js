// @ts-check
/**
 * The conversation pane: open a conversation (its full history, earlier ones with the same
 * patron included, its notes and the patron panel), its header (state, who has it) and the
 * actions on it: claim, transfer, close with an outcome, add an internal note, back to the lists.
 * Replying is in reply.js.
 */
import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { ask } from "../socket.js";
import { canWrite, state } from "../state.js";
import { messageItem, noteItem, scrollMessages } from "./messages.js";
import { initPatronPanel, renderPatron } from "./patron-panel.js";
import { renderLists } from "./queue.js";
import { showResult } from "./result.js";

/** @param {number} id */
export async function openConversation(id) {
  const detail = await ask("conversation:open", id);
  if (!detail.ok) return;
  state.current = detail;
  state.unread.delete(id);
  document.body.classList.add("viewing");
  $("conversation-pane").hidden = false;
  renderConversation();
  renderLists();
}

export function renderConversation() {
  const { current } = state;
  if (!current) return;
  renderHeader();
  const cid = current.conversation.id;
  $("messages").replaceChildren(...current.messages.map((m) => messageItem(m, m.conversationId !== cid)));
  $("notes-list").replaceChildren(...current.notes.map(noteItem));
  renderPatron(current.patron);
  $("conv-error").textContent = "";
  scrollMessages();
}

/** The title, state and which actions this librarian may take now. */
export function renderHeader() {
  const { current, me, staffList, online } = state;
  if (!current) return;
  const c = current.conversation;
  $("conv-title").textContent = `${c.patronName || "#" + c.id} · ${c.channel}`;
  const stateKey = "state" + c.state[0].toUpperCase() + c.state.slice(1);
  $("conv-state").textContent =
    c.assignedStaffName && c.state === "assigned" ? `${t(stateKey)}: ${c.assignedStaffName}` : t(stateKey);
  const mine = c.state === "assigned" && c.assignedStaffId === me?.id;
  const admin = me?.role === "admin";
  $("claim").hidden = !(canWrite() && c.state === "waiting");
  $("transfer-box").hidden = !(c.state === "assigned" && (mine || admin));
  $("close-box").hidden = !(
    canWrite() &&
    (c.state === "waiting" || mine || (admin && c.state === "assigned"))
  );
  $("reply-form").hidden = !mine;
  $("note-form").hidden = !canWrite();
  const select = /** @type {HTMLSelectElement} */ ($("transfer-to"));
  select.replaceChildren(
    ...staffList
      .filter((s) => s.id !== c.assignedStaffId && s.role !== "auditor")
      .map((s) => {
        const option = el("option", { text: `${s.displayName}${online.includes(s.id) ? " ●" : ""}` });
        /** @type {HTMLOptionElement} */ (option).value = String(s.id);
        return option;
      }),
  );
  if (select.options.length === 0) $("transfer-box").hidden = true;
}

/** Wires the pane's buttons and forms (once, at boot). */
export function initConversation() {
  initPatronPanel(openConversation);

  $("back").addEventListener("click", () => {
    document.body.classList.remove("viewing");
    state.current = undefined;
    $("conversation-pane").hidden = true;
    renderLists();
  });

  $("claim").addEventListener("click", async () => {
    if (!state.current) return;
    showResult(await ask("conversation:claim", state.current.conversation.id));
  });

  $("transfer").addEventListener("click", async () => {
    if (!state.current) return;
    const to = Number(/** @type {HTMLSelectElement} */ ($("transfer-to")).value);
    if (to)
      showResult(
        await ask("conversation:transfer", { conversationId: state.current.conversation.id, toStaffId: to }),
      );
  });

  $("close").addEventListener("click", async () => {
    if (!state.current) return;
    const outcome = /** @type {HTMLSelectElement} */ ($("close-outcome")).value;
    showResult(
      await ask("conversation:close", {
        conversationId: state.current.conversation.id,
        ...(outcome ? { outcome } : {}),
      }),
    );
  });

  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.current) return;
    const input = /** @type {HTMLInputElement} */ ($("note-text"));
    if (
      showResult(await ask("note:add", { conversationId: state.current.conversation.id, text: input.value }))
    )
      input.value = "";
  });
}
