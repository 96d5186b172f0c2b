/** The fake Telegram's HTTP side: reading request parameters as the Bot API does, and its error answers. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Fault, TgUser } from "./fake-telegram-types";

const MAX_TEXT_LENGTH = 4096; // UTF-16 code units, which is what String#length counts
const PARSE_MODES = new Set(["HTML", "Markdown", "MarkdownV2"]);

/** An error answer of the Bot API; handlers throw it, `handle` turns it into the HTTP reply. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export function reply(res: ServerResponse, status: number, payload: unknown, closeConnection = false): void {
  if (res.writableEnded || res.destroyed) return; // the client went away; nothing to answer
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (closeConnection) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(JSON.stringify(payload));
}

export function errorPayload(error: ApiError): Record<string, unknown> {
  return {
    ok: false,
    error_code: error.status,
    description: error.description,
    ...(error.retryAfter !== undefined ? { parameters: { retry_after: error.retryAfter } } : {}),
  };
}

export function faultDescription(fault: Fault): string {
  if (fault.description) return fault.description;
  if (fault.status === 429) return `Too Many Requests: retry after ${fault.retryAfter ?? 1}`;
  if (fault.status === 400) return "Bad Request: injected fault";
  if (fault.status === 401) return "Unauthorized";
  if (fault.status === 403) return "Forbidden: bot was blocked by the user";
  if (fault.status >= 500) return "Internal Server Error";
  return `Error ${fault.status}: injected fault`;
}

/** A file uploaded in a multipart body (sendPhoto, sendDocument), by its field name. */
export interface UploadedFile {
  bytes: Buffer;
  fileName: string;
  mimeType: string;
}

/** The body key under which readBody puts a multipart body's files (field name → file). */
export const UPLOADS = "__uploads";

/**
 * JSON body (what telegraf sends), form body, multipart body (telegraf's file uploads: string
 * fields as fields, files under UPLOADS), or nothing; query-string parameters underneath.
 */
export async function readBody(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const bytes = Buffer.concat(chunks);
  const raw = bytes.toString("utf8");
  const fields: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (raw.trim() === "") return fields;
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") {
    return { ...fields, ...Object.fromEntries(new URLSearchParams(raw)) };
  }
  if (type === "multipart/form-data") {
    // The platform's own multipart parser (fetch's Response.formData), not one of ours.
    let form: FormData;
    try {
      form = await new Response(bytes, {
        headers: { "content-type": String(req.headers["content-type"]) },
      }).formData();
    } catch {
      throw new ApiError(400, "Bad Request: can't parse multipart body");
    }
    const uploads: Record<string, UploadedFile> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") fields[name] = value;
      else
        uploads[name] = {
          bytes: Buffer.from(await value.arrayBuffer()),
          fileName: value.name,
          mimeType: value.type,
        };
    }
    return { ...fields, [UPLOADS]: uploads };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ApiError(400, "Bad Request: can't parse JSON object");
  }
  if (!isRecord(parsed)) throw new ApiError(400, "Bad Request: can't parse JSON object");
  return { ...fields, ...parsed };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Numbers may come as JSON numbers or, from query strings and forms, as digit strings. */
export function optNumber(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export function optString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Structured fields arrive as JSON values, or JSON-encoded strings from query strings and forms. */
export function jsonField(body: Record<string, unknown>, key: string): unknown {
  const value = body[key];
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function optStringArray(body: Record<string, unknown>, key: string): string[] | undefined {
  const value = jsonField(body, key);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

/** chat_id may be a number or a string; stored as a string. Only numeric (user/group) ids are known. */
export function requireChatId(body: Record<string, unknown>): string {
  const chatId = optString(body, "chat_id");
  if (chatId === undefined || chatId === "") throw new ApiError(400, "Bad Request: chat_id is empty");
  if (!/^-?\d+$/.test(chatId)) throw new ApiError(400, "Bad Request: chat not found");
  return chatId;
}

export function requireText(body: Record<string, unknown>): string {
  const text = optString(body, "text") ?? "";
  // Telegram trims before checking, so a whitespace-only text counts as empty.
  if (text.trim() === "") throw new ApiError(400, "Bad Request: message text is empty");
  if (text.length > MAX_TEXT_LENGTH) throw new ApiError(400, "Bad Request: message is too long");
  return text;
}

export function optParseMode(body: Record<string, unknown>): string | undefined {
  const mode = optString(body, "parse_mode");
  if (mode === undefined || mode === "") return undefined;
  if (!PARSE_MODES.has(mode)) throw new ApiError(400, `Bad Request: unsupported parse_mode "${mode}"`);
  return mode;
}

/** Telegram echoes reply_markup in the Message only for inline keyboards. */
export function inlineMarkup(replyMarkup: unknown): { reply_markup?: Record<string, unknown> } {
  return isRecord(replyMarkup) && "inline_keyboard" in replyMarkup ? { reply_markup: replyMarkup } : {};
}

export function commandsKey(body: Record<string, unknown>): string {
  return `${JSON.stringify(jsonField(body, "scope") ?? { type: "default" })}|${optString(body, "language_code") ?? ""}`;
}

export function messageKey(chatId: string, messageId: number): string {
  return `${chatId}:${messageId}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function patronUser(chatId: number, from?: Partial<TgUser>): TgUser {
  return { id: chatId, is_bot: false, first_name: "Patron", language_code: "id", ...from };
}

/**
 * Telegram marks "/command" words with bot_command entities, and telegraf's bot.command() and
 * bot.start() match on those entities, not on the text; so the fake adds them like Telegram does.
 */
export function withCommandEntities(message: Record<string, unknown>): Record<string, unknown> {
  const out = { ...message };
  for (const [textKey, entitiesKey] of [
    ["text", "entities"],
    ["caption", "caption_entities"],
  ] as const) {
    const text = out[textKey];
    if (typeof text !== "string" || out[entitiesKey] !== undefined) continue;
    const entities = [...text.matchAll(/(?<=^|\s)\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/g)].map((m) => ({
      type: "bot_command",
      offset: m.index,
      length: m[0].length,
    }));
    if (entities.length > 0) out[entitiesKey] = entities;
  }
  return out;
}
