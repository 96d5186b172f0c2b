/**
 * The port between a channel's webhook and the web role's HTTP server, framework-neutral: a
 * channel adapter says which path it receives on, how large a body may be, and how to check a
 * request's credentials before its body is read; the web role reads the body and hands it over.
 */
import type { IncomingHttpHeaders } from "node:http";

export interface WebhookRequest {
  /** header names in lower case, as Node gives them */
  headers: IncomingHttpHeaders;
  /** the raw body, whatever its content type (empty when there was none) */
  body: Buffer;
}

export interface WebhookResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface WebhookRoute {
  /** exact path; only POST reaches the route (any other method: 405) */
  path: string;
  /** the largest body read, in bytes (a larger one: 400, unread); default 1 MiB */
  maxBodyBytes?: number;
  /** checked before the body is read; false: 403, nothing read */
  authorize?(headers: IncomingHttpHeaders): boolean;
  handle(request: WebhookRequest): Promise<WebhookResponse>;
}

export const DEFAULT_WEBHOOK_BODY_BYTES = 1024 * 1024;
