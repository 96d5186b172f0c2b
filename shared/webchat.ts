/**
 * The port between the web chat channel (bot/channels/webchat/, the adapter) and the web role's
 * widget namespace (web/webchat/), framework-neutral like shared/webhook.ts: the adapter says which
 * origins may embed the widget and its message limits, and how a patron's message is recorded; the
 * web role runs the Socket.IO namespace and hands each validated message over. Replies go the other
 * way through a Redis stream (webchat-outbox.ts). Docs: docs/ARCHITECTURE.md, "The web chat widget".
 */
import type { Button, Language } from "./envelope";

/** The widget's Socket.IO namespace and the engine's path (its own server: its own origin rules). */
export const WEBCHAT_NAMESPACE = "/webchat";
export const WEBCHAT_SOCKET_PATH = "/webchat/socket.io";

/** Longest patron message and button data the widget may send (a longer one: refused, not cut). */
export const WIDGET_MAX_TEXT = 4000;
export const WIDGET_MAX_CALLBACK = 64;

/** A patron's message as the web role received it from the widget (already validated). */
export interface WidgetMessage {
  /** the session id: the patron's chat and sender id on this channel (≥ 128 random bits, issued by us) */
  sessionId: string;
  /** the widget's own id of this message, unique in the session: idempotency and the id a mask names */
  clientId: string;
  /** "callback": a button pressed, `text` is its data */
  kind: "text" | "callback";
  text: string;
  /** the page's or browser's language, a hint only */
  language?: Language;
}

export interface WebchatEndpoint {
  /** origins besides our own that may load the widget and open its socket */
  readonly allowedOrigins: readonly string[];
  /** messages accepted per minute from one session, and from one client address */
  readonly limits: { readonly perSession: number; readonly perAddress: number };
  /** Resolves once the message is durably recorded; a rejection means "send it again". */
  receive(message: WidgetMessage): Promise<void>;
}

/** What the widget shows: one message of the log, keyed so live pushes and history merge. */
export interface WidgetEntry {
  /** "o:<log id>" for the library's messages, "c:<clientId>" for the patron's own */
  key: string;
  from: "patron" | "library";
  text: string;
  buttons?: Button[][];
  /** the patron's typed password: shown masked, never as text */
  masked?: boolean;
  /** a librarian's attachment, offered as a download link (the widget cannot show files inline) */
  file?: WidgetFile;
  at: string;
}

/** A file as the widget offers it: its name, type and size, and where this session may fetch it. */
export interface WidgetFile {
  fileName: string;
  mimeType: string;
  size: number;
  /** `/webchat/media/<id>?t=<token>` on the web role's origin: the token is good for this session only */
  url: string;
}

/**
 * A reply's file as the channel hands it to the web role: the stored file's id and what the
 * widget shows of it. The web role turns it into a WidgetFile (it holds the key for the link).
 */
export interface WidgetAttachment {
  mediaId: string;
  fileName: string;
  mimeType: string;
  size: number;
}

/** Pushed from the channel (bot role) to the session's widget (web role). */
export type WidgetPush =
  | { type: "message"; sessionId: string; entry: WidgetEntry; attachment?: WidgetAttachment }
  /** the patron's message `clientId` held a password: hide it (the channel's "delete") */
  | { type: "mask"; sessionId: string; key: string };

/** The room of one session's sockets on the widget namespace. */
export const sessionRoom = (sessionId: string) => `s:${sessionId}`;
