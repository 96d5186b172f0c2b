/**
 * The console's Socket.IO event maps, shared by the socket handlers (web/console/sockets/) and the
 * page (public/js/, type-checked against this file with JSDoc). Requests from the page
 * carry an acknowledgement callback that receives a Result; pushes from the server are
 * broadcasts to rooms: "staff" (every signed-in staff member), "staff:<id>" (one person's
 * sockets), "conv:<id>" (everyone who opened that conversation).
 */
import type { StaffRole } from "../../shared/entities/staff-user";
import type { FaqContent, UnansweredGroup } from "../../shared/faq/content";
import type { FaqStatus } from "../../shared/entities/faq-entry";
import type { FaqEntryView, FaqVersionView } from "../../shared/faq/store";
import type { ConversationSummary, MessageRow, SearchQuery } from "./conversations";
import type { ChannelStatusView } from "./channel-status";
import type { CannedReply, NoteRow } from "./librarian-texts";
import type { CalendarAck, CalendarResult, CalendarView, SpanView } from "./calendar-view";
import type { ExceptionInput } from "../../shared/time/service-calendar-input";

export type { CannedReply, ChannelStatusView, ConversationSummary, MessageRow, NoteRow, SearchQuery };
export type { CalendarResult, CalendarView, ExceptionInput };

/** Why a console request was refused (the wire strings the page matches on). */
export type ConsoleErrorCode =
  "forbidden" | "invalid" | "not_found" | "taken" | "not_waiting" | "not_assigned" | "failed";

export type Result<T = object> = ({ ok: true } & T) | { ok: false; error: ConsoleErrorCode };
export type Ack<T = object> = (result: Result<T>) => void;

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: StaffRole;
}

export interface StaffEntry {
  id: number;
  displayName: string;
  role: StaffRole;
  online: boolean;
}

export interface PatronPanel {
  name: string;
  memberId: string | null;
  verified: boolean;
  /** current loans from the library system, when one is connected and the patron is a member */
  loans: Array<{ title: string; itemCode: string; dueDate: string | null; daysLate: number }> | null;
  loansError?: string;
}

export interface ConversationDetail {
  conversation: ConversationSummary;
  messages: MessageRow[];
  notes: NoteRow[];
  patron: PatronPanel;
}

export interface ServerToClientEvents {
  /** who I am; sent once on connection */
  hello: (me: Me) => void;
  /** a conversation was created waiting, claimed, transferred or closed */
  "conversation:changed": (summary: ConversationSummary) => void;
  /** a new message in a conversation I opened or am assigned */
  "message:new": (message: MessageRow) => void;
  /** delivery progress of an outbound message */
  "message:status": (update: {
    conversationId: number;
    messageId: string;
    status: string;
    error: string | null;
  }) => void;
  /** how far a sent message got (the channel's delivery acks: server, device, read, played) */
  "message:delivery": (update: { conversationId: number; messageId: string; delivery: string }) => void;
  "note:new": (note: NoteRow) => void;
  /** admins only: a channel's session state changed (WhatsApp pairing: QR, code, ready, disconnected) */
  "channel:status": (status: ChannelStatusView) => void;
  /** who is online (staff ids) */
  presence: (online: number[]) => void;
}

export interface ClientToServerEvents {
  "queue:list": (ack: Ack<{ conversations: ConversationSummary[] }>) => void;
  "conversation:open": (conversationId: number, ack: Ack<ConversationDetail>) => void;
  "conversation:claim": (conversationId: number, ack: Ack) => void;
  "conversation:transfer": (input: { conversationId: number; toStaffId: number }, ack: Ack) => void;
  "conversation:close": (input: { conversationId: number; outcome?: string }, ack: Ack) => void;
  /**
   * `clientKey`: a unique id per reply from the page, so a resent request writes one message.
   * `mediaId`: a file this librarian uploaded (POST /api/media), sent with the text as its caption
   * (the text may then be empty).
   */
  "message:send": (
    input: { conversationId: number; text: string; clientKey: string; mediaId?: string },
    ack: Ack<{ messageId: string }>,
  ) => void;
  "message:retry": (messageId: string, ack: Ack) => void;
  "note:add": (input: { conversationId: number; text: string }, ack: Ack) => void;
  "canned:list": (ack: Ack<{ replies: CannedReply[] }>) => void;
  "staff:list": (ack: Ack<{ staff: StaffEntry[] }>) => void;
  search: (query: SearchQuery, ack: Ack<{ conversations: ConversationSummary[] }>) => void;
  "patron:verify": (input: { conversationId: number; memberId: string }, ack: Ack) => void;
  /** admins only */
  "channel:list": (ack: Ack<{ channels: ChannelStatusView[] }>) => void;
  /** admins only: ask a channel waiting to be paired (WhatsApp) for a code to type on that phone */
  "channel:pair": (input: { channel: string; phone: string }, ack: Ack) => void;
  /** the service calendar (everyone reads; admins change it: calendar-view.ts, sockets/calendar.ts) */
  "calendar:get": (ack: CalendarAck) => void;
  "calendar:weekly:set": (input: { weekly: Record<string, SpanView[]> }, ack: CalendarAck) => void;
  "calendar:exception:add": (input: ExceptionInput, ack: CalendarAck) => void;
  "calendar:exception:remove": (input: { id: number }, ack: CalendarAck) => void;
  /** the FAQ (web/console/sockets/faq.ts): reading is everyone's, changes librarians' and admins' */
  "faq:list": (ack: Ack<{ entries: FaqEntryView[] }>) => void;
  "faq:history": (id: number, ack: Ack<{ entry: FaqEntryView; versions: FaqVersionView[] }>) => void;
  "faq:unanswered": (ack: Ack<{ groups: UnansweredGroup[] }>) => void;
  "faq:create": (input: { slug: string; content: FaqContent }, ack: Ack<{ entry: FaqEntryView }>) => void;
  "faq:edit": (input: { id: number; content: FaqContent }, ack: Ack<{ entry: FaqEntryView }>) => void;
  "faq:status": (input: { id: number; status: FaqStatus }, ack: Ack<{ entry: FaqEntryView }>) => void;
}

export interface SocketData {
  staff: Me;
  sessionId: string;
}

export const OUTCOMES = ["answered", "referred", "no_response", "spam", "other"] as const;
export const MAX_REPLY_CHARS = 4000;
