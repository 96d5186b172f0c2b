/** The Bot API shapes the fake Telegram (fake-telegram.ts) stores and tests look at. */
export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: string;
  first_name?: string;
  [key: string]: unknown;
}

export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  edit_date?: number;
  [key: string]: unknown;
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  chat_instance: string;
  data: string;
  message: TgMessage;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  [key: string]: unknown;
}

export interface SentMessage {
  messageId: number;
  chatId: string;
  text: string;
  replyMarkup?: unknown;
  parseMode?: string;
  at: number;
  method: string;
  /** sendPhoto / sendDocument: the uploaded file as received (multipart) */
  file?: { bytes: Buffer; fileName: string; mimeType: string };
}

export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  /** HTTP status of the answer; undefined while a long poll is still pending. */
  status?: number;
}

export interface Fault {
  status: number;
  /** Sent as parameters.retry_after (seconds); the usual companion of status 429. */
  retryAfter?: number;
  description?: string;
}

export interface FakeTelegramOptions {
  token?: string;
  /** What happens to a pending getUpdates when another one arrives (see the file comment). */
  concurrentPolls?: "conflict" | "empty";
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one */
  port?: number;
}
