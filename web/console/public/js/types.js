// @ts-check
/**
 * The server's types the page uses, from the Socket.IO event maps (web/console/events.ts), so
 * the page is type-checked against what the server sends. Import them with
 * `@typedef {import("./types.js").Name} Name`.
 *
 * @typedef {import("../../events").ServerToClientEvents} ServerToClientEvents
 * @typedef {import("../../events").ClientToServerEvents} ClientToServerEvents
 * @typedef {import("../../events").ConversationSummary} ConversationSummary
 * @typedef {import("../../events").ConversationDetail} ConversationDetail
 * @typedef {import("../../events").MessageRow} MessageRow
 * @typedef {import("../../events").NoteRow} NoteRow
 * @typedef {import("../../events").StaffEntry} StaffEntry
 * @typedef {import("../../events").CannedReply} CannedReply
 * @typedef {import("../../events").Me} Me
 * @typedef {import("../../events").PatronPanel} PatronPanel
 * @typedef {import("../../events").ChannelStatusView} ChannelStatusView
 * @typedef {import("../../events").CalendarView} CalendarView
 * @typedef {import("../../events").CalendarResult} CalendarResult
 * @typedef {import("socket.io-client").Socket<ServerToClientEvents, ClientToServerEvents>} ConsoleSocket
 */
export {};
