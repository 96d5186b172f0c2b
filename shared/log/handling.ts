/**
 * What the relay hands the message log for one inbound message: the replies to queue and what else
 * changes in the same transaction (language, dialog step, member link, audit events, handoff state).
 */
import type { AuditEntry } from "../audit";
import type { Button, Language } from "../envelope";

export interface Reply {
  text: string;
  buttons?: Button[][];
  /** show a button that shares the patron's own phone number */
  requestContact?: string;
  removeKeyboard?: boolean;
  /**
   * "delete": not a message but the instruction to delete the patron's message `meta.target`
   * from the chat (a password); logged as a system row so the log shows it happened.
   */
  kind?: "text" | "delete";
  /** what produced this reply, kept in the log (e.g. the renewed loan and its dates) */
  meta?: Record<string, unknown>;
}

export interface Handling {
  /** the automated answer (or route) that handled the message, e.g. "hours" */
  handledBy: string;
  replies: Reply[];
  /** the conversation's count of not-understood messages in a row, after this one */
  unknownStreak: number;
  setLanguage?: Language;
  /** the conversation's next dialog step; null ends the dialog; undefined leaves it */
  dialog?: Record<string, unknown> | null;
  /** link the patron to a verified library member, or undo it */
  link?: { memberId: string; method: string } | { unlink: true };
  /** audit events written in the same transaction */
  audit?: AuditEntry[];
  /** mark the inbound message failed (with this error) rather than handled */
  failed?: string;
  /** the librarian handoff: change the conversation's state in the same transaction */
  stateChange?: StateChange;
}

export type StateChange =
  /** bot → waiting for a librarian */
  | { to: "waiting"; reason: string }
  /** waiting/assigned → closed (the patron ended the chat) */
  | { to: "closed"; outcome: string };
