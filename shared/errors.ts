/**
 * Errors with stable codes (Fastify's FST_ERR_* style). Expected outcomes such as
 * "cannot renew: reserved" are results, not errors; these are for things that went wrong.
 */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "LOCAL_SERVICE_UNAVAILABLE"
  | "CHANNEL_RATE_LIMITED"
  | "CHANNEL_REJECTED"
  | "CHANNEL_UNAVAILABLE"
  | "DATABASE_UNAVAILABLE"
  | "SHUTTING_DOWN"
  | "ANSWER_LIST_INVALID"
  // An HTTP request refused with a 4xx (the web role answers `{ error: message }` with that status).
  | "HTTP_BAD_REQUEST"
  | "HTTP_UNAUTHORIZED"
  | "HTTP_FORBIDDEN"
  | "HTTP_NOT_FOUND"
  | "HTTP_METHOD_NOT_ALLOWED"
  | "HTTP_PAYLOAD_TOO_LARGE"
  | "HTTP_UNSUPPORTED_MEDIA_TYPE"
  // Staff accounts (console and staff CLI): bad input, a taken username, no such user.
  | "STAFF_INVALID"
  | "STAFF_USERNAME_TAKEN"
  | "STAFF_NOT_FOUND"
  // A patron's secret held in Redis could not be decrypted (processes with different SECRET_BOX_KEYs).
  | "SECRET_UNREADABLE"
  // A file refused by the media store (over MEDIA_MAX_BYTES) or unreadable from it (missing, hash mismatch).
  | "MEDIA_TOO_LARGE"
  | "MEDIA_UNREADABLE"
  // What the library sends first (docs/reminders.md): a run left members for its retry; a key row
  // found without its message (a write outside the one writer).
  | "PROACTIVE_INCOMPLETE"
  | "PROACTIVE_KEY_CONFLICT"
  // The FAQ (shared/faq): an entry's texts refused, no such entry, a CSV file refused (with its line).
  | "FAQ_INVALID"
  | "FAQ_NOT_FOUND"
  | "FAQ_CSV_INVALID";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }
}

/** A configuration variable is missing or malformed; the message names it. */
export class ConfigError extends AppError {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super("CONFIG_INVALID", `${variable}: ${reason}`);
    this.name = "ConfigError";
  }
}

/** The channel asked us to slow down (Telegram 429); retry after `retryAfterMs`, not an attempt lost. */
export class ChannelRateLimitedError extends AppError {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super("CHANNEL_RATE_LIMITED", message);
    this.name = "ChannelRateLimitedError";
  }
}

/** The channel refused this message for good (blocked bot, bad chat id): retrying will not help. */
export class ChannelRejectedError extends AppError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super("CHANNEL_REJECTED", message);
    this.name = "ChannelRejectedError";
  }
}

/** The channel could not be reached or failed on its side (network, 5xx): retry later. */
export class ChannelUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CHANNEL_UNAVAILABLE", message, options);
    this.name = "ChannelUnavailableError";
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
