/**
 * The console's HTTP API, route by route: what the page sends and what it gets back. Shared by
 * the routes (./http-api.ts) and the page (public/, type-checked against it with JSDoc), like
 * the socket events in ./events.ts. Every error reply is `ApiError` with a 4xx status;
 * POSTs need our own Origin, and all but /api/login the session's CSRF token (`x-csrf-token`).
 */
import type { CannedReply } from "./librarian-texts";
import type { Me } from "./events";
import type { Staff } from "./staff";
import type { StaffRole } from "../../shared/entities/staff-user";
import type { DeadLetterRow } from "../../shared/log/dead-letters";
import type { ErasureResult } from "../../shared/evidence/retention";
import type { VerifyReport } from "../../shared/evidence/verify";
import type { ChannelName } from "../../shared/envelope";
import type { AnnouncementView } from "../../shared/reminders/announcements";

export type { Staff };

export interface ApiError {
  error: string;
}

/** A file stored for a reply (POST /api/media), as the page shows it and sends its id. */
export interface AttachmentInfo {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
}

export interface SessionInfo {
  me: Me;
  csrfToken: string;
  /** IANA zone the console shows times in (the library's) */
  timeZone: string;
}

export interface ConsoleApi {
  /** 401 when not signed in */
  "GET /api/session": { body: undefined; reply: SessionInfo };
  /** admins */
  "GET /api/staff": { body: undefined; reply: { staff: Staff[] } };
  /** admins and librarians: updates that could not be recorded, newest first (payload cut to 4000 characters) */
  "GET /api/dead-letters": { body: undefined; reply: { deadLetters: DeadLetterRow[] } };
  /** sets the session cookie; 401 wrong username or password, 429 (retry-after) too many attempts */
  "POST /api/login": { body: { username: string; password: string }; reply: SessionInfo };
  /** ends the session, clears the cookie, drops its sockets */
  "POST /api/logout": { body: Record<string, never>; reply: { ok: true } };
  /** admins; 201; 409 the username is taken; 400 invalid */
  "POST /api/staff": {
    body: { username: string; displayName: string; role: StaffRole; password: string };
    reply: { staff: Staff };
  };
  /** admins; also signs the account's sessions out; 404 no such user */
  "POST /api/staff/password": { body: { username: string; password: string }; reply: { ok: true } };
  /** admins (not themselves); disabling signs the account out at once */
  "POST /api/staff/active": { body: { username: string; active: boolean }; reply: { staff: Staff } };
  /** admins; 201 */
  "POST /api/canned": { body: { title: string; text: string }; reply: { reply: CannedReply } };
  /** admins; 404 `{ ok: false }` when there is no such reply */
  "POST /api/canned/delete": { body: { id: number }; reply: { ok: boolean } };
  /**
   * librarians and admins: a file to attach (media-api.ts). The body is the file's bytes as
   * application/octet-stream, its name in `x-file-name` (URI-encoded); 201; 413 over
   * MEDIA_MAX_BYTES; 415 not a PDF, PNG, JPEG or WebP by content. (GET /api/media/:id serves a file.)
   */
  "POST /api/media": { body: Blob; reply: { media: AttachmentInfo } };
  /** auditors and admins (403 otherwise): audit:verify now (docs/audit.md); audited (audit-api.ts) */
  "POST /api/audit/verify": { body: Record<string, never>; reply: { report: VerifyReport } };
  /** admins: a member's erasure request; 404 no patron linked to it; audited */
  "POST /api/audit/erase": { body: { memberId: string }; reply: { result: ErasureResult } };
  /** librarians, auditors and admins: the latest announcements with their counts, and the channels (announcements-api.ts) */
  "GET /api/announcements": {
    body: undefined;
    reply: { announcements: AnnouncementView[]; channels: ChannelName[] };
  };
  /** the same, one announcement; 404 no such announcement */
  "GET /api/announcements/:id": { body: undefined; reply: { announcement: AnnouncementView } };
  /** admins; 201; 400 no Indonesian text, too long, no channel or one not configured; audited */
  "POST /api/announcements": {
    body: { textId: string; textEn?: string; channels: ChannelName[] };
    reply: { announcement: AnnouncementView };
  };
}

export type ApiRoute = keyof ConsoleApi;
export type ApiBody<R extends ApiRoute> = ConsoleApi[R]["body"];
export type ApiReply<R extends ApiRoute> = ConsoleApi[R]["reply"];
