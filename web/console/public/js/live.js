// @ts-check
/**
 * The live part of a signed-in page: the socket's pushes applied to the state and the views,
 * and reading everything again from the server when a reconnect could not be recovered.
 */
import { $ } from "./dom.js";
import { t } from "./i18n.js";
import { notifyWaiting } from "./notify.js";
import { ask, openSocket } from "./socket.js";
import { state } from "./state.js";
import { openConversation, renderHeader } from "./views/conversation.js";
import { showLogin } from "./views/login.js";
import { appendMessage, appendNote, replaceMessage } from "./views/messages.js";
import { renderLists, renderPresence } from "./views/queue.js";
import { showChannel } from "./views/channels.js";
import { renderCanned } from "./views/reply.js";

/** Connects and keeps the page in step with the server until the socket is closed. */
export function connectLive() {
  const s = openSocket();
  s.on("connect", () => {
    $("connection").hidden = true;
    // A recovered connection missed nothing; otherwise PostgreSQL is read again.
    if (!s.recovered) void reload();
  });
  s.on("disconnect", () => {
    $("connection").hidden = false;
    $("connection").textContent = t("offline");
  });
  s.on("connect_error", (err) => {
    if (err.message === "unauthorized") showLogin();
  });
  s.on("conversation:changed", (summary) => {
    const before = state.conversations.get(summary.id);
    state.conversations.set(summary.id, summary);
    if (summary.state === "waiting" && before?.state !== "waiting") notifyWaiting(summary);
    if (summary.state === "closed") state.unread.delete(summary.id);
    renderLists();
    if (state.current && state.current.conversation.id === summary.id) {
      state.current.conversation = summary;
      renderHeader();
    }
  });
  s.on("message:new", (message) => {
    const { current } = state;
    if (current && message.conversationId === current.conversation.id) {
      if (!current.messages.some((m) => m.id === message.id)) {
        current.messages.push(message);
        appendMessage(message);
      }
    } else if (message.author === "patron") {
      state.unread.set(message.conversationId, (state.unread.get(message.conversationId) ?? 0) + 1);
      renderLists();
    }
  });
  s.on("message:status", (update) => {
    const message = state.current?.messages.find((m) => m.id === update.messageId);
    if (!message) return;
    message.status = update.status;
    message.error = update.error;
    replaceMessage(message);
  });
  s.on("message:delivery", (update) => {
    const message = state.current?.messages.find((m) => m.id === update.messageId);
    if (!message) return;
    message.delivery = update.delivery;
    replaceMessage(message);
  });
  s.on("channel:status", (status) => showChannel(status));
  s.on("note:new", (note) => {
    if (state.current && note.conversationId === state.current.conversation.id) {
      state.current.notes.push(note);
      appendNote(note);
    }
  });
  s.on("presence", (ids) => {
    state.online = ids;
    void loadStaff();
  });
}

/** Reads the queue, the staff and the canned replies again (and the open conversation). */
async function reload() {
  const [queue, staff, replies] = await Promise.all([
    ask("queue:list"),
    ask("staff:list"),
    ask("canned:list"),
  ]);
  if (queue.ok) {
    state.conversations.clear();
    for (const c of queue.conversations) state.conversations.set(c.id, c);
  }
  if (staff.ok) {
    state.staffList = staff.staff;
    // A "presence" push may have arrived meanwhile: it is newer, so keep what it said too.
    state.online = [
      ...new Set([...state.online, ...state.staffList.filter((x) => x.online).map((x) => x.id)]),
    ];
  }
  if (replies.ok) state.canned = replies.replies;
  renderLists();
  renderCanned();
  if (state.current) await openConversation(state.current.conversation.id);
}

async function loadStaff() {
  const staff = await ask("staff:list");
  if (staff.ok) state.staffList = staff.staff;
  renderPresence();
  if (state.current) renderHeader();
}
