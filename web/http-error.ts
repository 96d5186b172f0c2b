/**
 * A web request refused with a 4xx status: the web role answers `{ error: message }` with it.
 * One AppError code per status, so logs and tests can name the refusal.
 */
import { AppError, type ErrorCode } from "../shared/errors";

const CODES = {
  400: "HTTP_BAD_REQUEST",
  401: "HTTP_UNAUTHORIZED",
  403: "HTTP_FORBIDDEN",
  404: "HTTP_NOT_FOUND",
  405: "HTTP_METHOD_NOT_ALLOWED",
  413: "HTTP_PAYLOAD_TOO_LARGE",
  415: "HTTP_UNSUPPORTED_MEDIA_TYPE",
} as const satisfies Record<number, ErrorCode>;

export type HttpErrorStatus = keyof typeof CODES;

export class HttpError extends AppError {
  constructor(
    readonly status: HttpErrorStatus,
    message: string,
  ) {
    super(CODES[status], message);
    this.name = "HttpError";
  }
}
