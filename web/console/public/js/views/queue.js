// @ts-check
/**
 * The queue tab: patrons waiting (questions left while nobody was online first, then oldest first), my conversations, those with other librarians,
 * who is online; unread counts and the waiting count in the tab's title. conversationItem is
 * also how search results are shown.
 *
 * @typedef {import("../types.js").ConversationSummary} ConversationSummary
 */
import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import { age, dateTime } from "../time.js";

/** What clicking a conversation does (main.js sets it: open it in the conversation pane). */
let open = /** @param {number} _id */ (_id) => {};

/** @param {(id: number) => void} openConversation */
export function onConversationChosen(openConversation) {
  open = openConversation;
}

/** @param {ConversationSummary} c */
export function conversationItem(c) {
  const badges = el("span");
  const n = state.unread.get(c.id) ?? 0;
  if (n) badges.append(el("span", { className: "badge unread", text: String(n) }), " ");
  // Asked while no librarian was online: listed first, and said so.
  if (c.state === "waiting" && c.handoffReason === "left_question")
    badges.append(el("span", { className: "badge left", text: t("leftQuestion") }), " ");
  badges.append(
    el("span", {
      className: c.memberId ? "badge member" : "badge",
      text: c.memberId ? `${t("member")} ${c.memberId}` : t("notMember"),
    }),
  );
  const button = el(
    "button",
    { className: state.current?.conversation.id === c.id ? "current" : "" },
    el("strong", { text: c.patronName || `#${c.id}` }),
    el("span", {
      className: "conv-meta",
      text: [
        c.channel,
        c.state === "waiting" ? age(c.waitingSince) : (c.assignedStaffName ?? ""),
        c.closedAt ? dateTime(c.closedAt) : "",
      ]
        .filter(Boolean)
        .join(" · "),
    }),
    badges,
  );
  button.setAttribute("type", "button");
  button.dataset.conversation = String(c.id);
  button.addEventListener("click", () => open(c.id));
  return el("li", {}, button);
}

export function renderLists() {
  const { me } = state;
  const all = [...state.conversations.values()];
  const waiting = all
    .filter((c) => c.state === "waiting")
    // Questions left while nobody was online first, then oldest first (as the server lists them).
    .sort(
      (a, b) =>
        Number(a.handoffReason !== "left_question") - Number(b.handoffReason !== "left_question") ||
        Date.parse(a.waitingSince ?? a.openedAt) - Date.parse(b.waitingSince ?? b.openedAt),
    );
  const mine = all.filter((c) => c.state === "assigned" && c.assignedStaffId === me?.id);
  const others = all.filter((c) => c.state === "assigned" && c.assignedStaffId !== me?.id);
  $("queue-list").replaceChildren(...waiting.map(conversationItem));
  $("mine-list").replaceChildren(...mine.map(conversationItem));
  $("others-list").replaceChildren(...others.map(conversationItem));
  $("waiting-count").textContent = String(waiting.length);
  const totalUnread = [...state.unread.values()].reduce((a, b) => a + b, 0);
  document.title = `${waiting.length || totalUnread ? `(${waiting.length + totalUnread}) ` : ""}${t("title")}`;
  renderPresence();
}

export function renderPresence() {
  const people = state.staffList.filter((s) => state.online.includes(s.id));
  $("presence-list").replaceChildren(
    ...people.map((s) =>
      el("li", { text: `● ${s.displayName}${s.id === state.me?.id ? ` (${t("you")})` : ""}` }),
    ),
  );
}
