// @ts-check
/**
 * What the page knows while a librarian is signed in, shared by the views. PostgreSQL stays the
 * source of truth: a reconnect that could not be recovered reads all of it again (live.js).
 *
 * @typedef {import("./types.js").ConversationSummary} ConversationSummary
 * @typedef {import("./types.js").ConversationDetail} ConversationDetail
 * @typedef {import("./types.js").StaffEntry} StaffEntry
 * @typedef {import("./types.js").CannedReply} CannedReply
 * @typedef {import("./types.js").Me} Me
 */

export const state = {
  /** @type {Me | undefined} who is signed in */
  me: undefined,
  /** the session's CSRF token, sent with every state-changing HTTP request */
  csrfToken: "",
  /** The library's time zone: every time shown is library time (Asia/Jakarta by default). */
  timeZone: "Asia/Jakarta",
  /** @type {Map<number, ConversationSummary>} the queue and the conversations being served */
  conversations: new Map(),
  /** @type {Map<number, number>} unread patron messages per conversation not open */
  unread: new Map(),
  /** @type {StaffEntry[]} */
  staffList: [],
  /** @type {number[]} ids of the staff online */
  online: [],
  /** @type {ConversationDetail | undefined} the conversation open in the conversation pane */
  current: undefined,
  /** @type {CannedReply[]} */
  canned: [],
};

/** Librarians and admins change things; auditors only read. */
export const canWrite = () => state.me?.role === "librarian" || state.me?.role === "admin";
