/**
 * A fake Telegram Bot API for tests: a real HTTP server on 127.0.0.1 that the real telegraf client
 * talks to (`new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } })`). One class over the
 * emulated methods because they share its state (updates, stored messages, the pending poll,
 * faults); the API shapes are in fake-telegram-types.ts, the HTTP helpers in fake-telegram-wire.ts.
 *
 * The test plays the patron (sendText, pressButton, ...), which queues updates for getUpdates, and
 * observes what the bot did (sent, deleted, callbackAnswers, calls). Faults (429, 5xx, 403, ...) can
 * be injected per method. Only what pustaka-relay needs is implemented; unknown methods answer 404
 * like Telegram does, so a bot calling something new fails loudly rather than silently.
 *
 * Telegram-like behaviour worth knowing:
 * - getUpdates with offset N confirms (forgets) every update with update_id < N; unconfirmed updates
 *   are returned again. `timeout` is a long poll in seconds (fractions accepted, so tests can be fast).
 * - Only one getUpdates may be pending. A newer call supersedes the pending one, which is answered
 *   409 "Conflict: terminated by other getUpdates request" (as Telegram does when two bot instances
 *   poll), or with [] if the server was started with `concurrentPolls: "empty"`.
 * - getUpdates while a webhook is set answers 409, as Telegram does. Updates are never pushed to the
 *   webhook URL: setWebhook only records the configuration.
 * - `allowed_updates` persists between calls; an empty list means Telegram's default (everything
 *   except chat_member, message_reaction and message_reaction_count; unknown types pass).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { finished } from "node:stream/promises";
import type {
  ApiCall,
  FakeTelegramOptions,
  Fault,
  SentMessage,
  TgCallbackQuery,
  TgChat,
  TgMessage,
  TgUpdate,
  TgUser,
} from "./fake-telegram-types";
import {
  ApiError,
  commandsKey,
  errorPayload,
  faultDescription,
  inlineMarkup,
  jsonField,
  messageKey,
  nowSeconds,
  optNumber,
  optParseMode,
  optString,
  optStringArray,
  patronUser,
  readBody,
  reply,
  UPLOADS,
  type UploadedFile,
  requireChatId,
  requireText,
  withCommandEntities,
} from "./fake-telegram-wire";
import { FakeFiles, type FakeFile } from "./fake-telegram-files";

export type { ApiCall, Fault, SentMessage, TgMessage, TgUpdate, TgUser };

const DEFAULT_TOKEN = "123456:TEST-token";
const FIRST_UPDATE_ID = 1001;
/** Update types Telegram leaves out when allowed_updates is empty or was never set. */
const OPT_IN_UPDATE_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

interface PendingPoll {
  res: ServerResponse;
  call: ApiCall;
  offset: number;
  limit: number;
  timer: NodeJS.Timeout;
}

interface StoredMessage {
  message: TgMessage;
  fromBot: boolean;
}

/** A redelivered update stays pending until the client confirms the batch it came in. */
interface Redelivery {
  update: TgUpdate;
  confirmedByOffset?: number;
}

type Handler = (body: Record<string, unknown>) => unknown;
type AnswerHook = (call: ApiCall) => void | Promise<void>;

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly deleted: Array<{ chatId: string; messageId: number }> = [];
  readonly callbackAnswers: Array<{ callbackQueryId: string; text?: string }> = [];
  webhook: { url: string; secretToken?: string; allowedUpdates?: string[] } | null = null;
  /** The allowed_updates setting last given to getUpdates or setWebhook ([] = Telegram's default). */
  allowedUpdates: string[] = [];
  /** patrons' files, served by getFile and the download path (fake-telegram-files.ts) */
  readonly files = new FakeFiles();

  private readonly queue: TgUpdate[] = []; // unconfirmed updates, ascending update_id
  private readonly redeliveries: Redelivery[] = [];
  private pendingPoll: PendingPoll | null = null;
  private nextUpdateId = FIRST_UPDATE_ID;
  private nextCallbackId = 1;
  private readonly instanceTag = randomBytes(4).toString("hex");
  private readonly lastMessageId = new Map<string, number>();
  private readonly messages = new Map<string, StoredMessage>(); // key `${chatId}:${messageId}`
  private readonly commands = new Map<string, unknown[]>();
  private readonly nextFaults = new Map<string, Array<{ fault: Fault; remaining: number }>>();
  private readonly everyFaults = new Map<string, { n: number; fault: Fault; count: number }>();
  private readonly storms = new Map<string, { until: number; retryAfter: number }>();
  private readonly answerHooks = new Map<string, AnswerHook>();
  private readonly handlers: Map<string, { method: string; handler: Handler }>;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: Server,
    readonly token: string,
    readonly apiRoot: string,
    private readonly concurrentPolls: "conflict" | "empty",
  ) {
    const table: Record<string, Handler> = {
      getMe: () => this.botUser(),
      sendMessage: (b) => this.apiSendMessage(b),
      sendPhoto: (b) => this.apiSendFile(b, "sendPhoto", "photo"),
      sendDocument: (b) => this.apiSendFile(b, "sendDocument", "document"),
      getFile: (b) => this.files.getFile(b),
      editMessageText: (b) => this.apiEditMessageText(b),
      deleteMessage: (b) => this.apiDeleteMessage(b),
      sendChatAction: (b) => {
        requireChatId(b);
        return true;
      },
      answerCallbackQuery: (b) => this.apiAnswerCallbackQuery(b),
      setWebhook: (b) => this.apiSetWebhook(b),
      deleteWebhook: (b) => this.apiDeleteWebhook(b),
      getWebhookInfo: () => this.apiGetWebhookInfo(),
      setMyCommands: (b) => this.apiSetMyCommands(b),
      getMyCommands: (b) => this.commands.get(commandsKey(b)) ?? [],
      deleteMyCommands: (b) => {
        this.commands.delete(commandsKey(b));
        return true;
      },
    };
    // Telegram matches method names case-insensitively; getUpdates is routed separately (it may wait).
    this.handlers = new Map(
      Object.entries(table).map(([method, handler]) => [method.toLowerCase(), { method, handler }]),
    );
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeTelegram(
      server,
      options.token ?? DEFAULT_TOKEN,
      `http://127.0.0.1:${port}`,
      options.concurrentPolls ?? "conflict",
    );
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    return fake;
  }

  // ---------------------------------------------------------------- the patron's side

  sendText(chatId: number, text: string, from?: Partial<TgUser>): TgUpdate {
    return this.sendMessage(chatId, { text }, from);
  }

  sendMessage(chatId: number, message: Record<string, unknown>, from?: Partial<TgUser>): TgUpdate {
    const user = patronUser(chatId, from);
    const msg: TgMessage = {
      message_id: this.allocMessageId(String(chatId)),
      date: nowSeconds(),
      chat: { id: chatId, type: "private", first_name: user.first_name },
      from: user,
      ...withCommandEntities(message),
    };
    this.messages.set(messageKey(String(chatId), msg.message_id), { message: msg, fromBot: false });
    return this.enqueue({ update_id: this.allocUpdateId(), message: msg });
  }

  /** A photo from the patron: Telegram's sizes, the largest being `bytes` (smaller ones are thumbnails). */
  sendPhoto(chatId: number, bytes: Buffer, options: { caption?: string } = {}, from?: Partial<TgUser>) {
    const thumb = this.files.add(bytes.subarray(0, Math.min(bytes.length, 64)), "jpg");
    const full = this.files.add(bytes, "jpg");
    const size = (f: FakeFile, w: number) => ({
      file_id: f.fileId,
      file_unique_id: f.fileUniqueId,
      file_size: f.bytes.length,
      width: w,
      height: w,
    });
    const update = this.sendMessage(
      chatId,
      {
        photo: [size(thumb, 90), size(full, 1280)],
        ...(options.caption ? { caption: options.caption } : {}),
      },
      from,
    );
    return { update, file: full };
  }

  /** A document (or `field` "voice", "audio", "video") from the patron. */
  sendDocument(
    chatId: number,
    bytes: Buffer,
    options: { fileName?: string; mimeType?: string; caption?: string; field?: string } = {},
    from?: Partial<TgUser>,
  ) {
    const file = this.files.add(bytes);
    const update = this.sendMessage(
      chatId,
      {
        [options.field ?? "document"]: {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          file_size: bytes.length,
          ...(options.fileName ? { file_name: options.fileName } : {}),
          ...(options.mimeType ? { mime_type: options.mimeType } : {}),
        },
        ...(options.caption ? { caption: options.caption } : {}),
      },
      from,
    );
    return { update, file };
  }

  /** Without `from`, the edit comes from whoever wrote the original message. */
  editMessage(chatId: number, messageId: number, text: string, from?: Partial<TgUser>): TgUpdate {
    const stored = this.messages.get(messageKey(String(chatId), messageId));
    const user = from || !stored?.message.from ? patronUser(chatId, from) : stored.message.from;
    const msg: TgMessage = {
      message_id: messageId,
      date: stored?.message.date ?? nowSeconds(),
      edit_date: nowSeconds(),
      chat: stored?.message.chat ?? { id: chatId, type: "private", first_name: user.first_name },
      from: user,
      ...withCommandEntities({ text }),
    };
    this.messages.set(messageKey(String(chatId), messageId), { message: msg, fromBot: false });
    return this.enqueue({ update_id: this.allocUpdateId(), edited_message: msg });
  }

  /**
   * A tap on an inline button. Without messageId the button is taken to sit on the newest message
   * the bot sent to that chat with a reply_markup (else the newest at all).
   */
  pressButton(chatId: number, data: string, messageId?: number, from?: Partial<TgUser>): TgUpdate {
    const id = messageId ?? this.defaultButtonMessage(String(chatId));
    const stored = this.messages.get(messageKey(String(chatId), id));
    const message: TgMessage = stored
      ? structuredClone(stored.message)
      : { message_id: id, date: nowSeconds(), chat: { id: chatId, type: "private" }, from: this.botUser() };
    const callback: TgCallbackQuery = {
      // Telegram's callback query ids are unique across all bots and time; so are ours.
      id: `fake-cbq-${this.instanceTag}-${this.nextCallbackId++}`,
      from: patronUser(chatId, from),
      chat_instance: `fake-chat-instance-${chatId}`,
      data,
      message,
    };
    return this.enqueue({ update_id: this.allocUpdateId(), callback_query: callback });
  }

  /** Any raw update, unknown types included. An explicit update_id is kept (and moves the counter on). */
  pushUpdate(update: Record<string, unknown>): TgUpdate {
    const { update_id: given, ...rest } = update;
    const updateId = typeof given === "number" ? given : this.allocUpdateId();
    this.nextUpdateId = Math.max(this.nextUpdateId, updateId + 1);
    // The cast is the point of this method: the caller vouches for the shape.
    return this.enqueue({ update_id: updateId, ...rest } as TgUpdate);
  }

  /**
   * Deliver an already delivered update again, with the same update_id and content, as Telegram
   * does after a bot crashed before confirming it. It is returned by the next getUpdates whatever
   * the offset (a running poller has moved past it), and again until a later getUpdates confirms
   * the batch it came in.
   */
  redeliver(update: TgUpdate): void {
    this.redeliveries.push({ update: structuredClone(update) });
    this.wakePoll();
  }

  // ---------------------------------------------------------------- observation

  /** True while a getUpdates long poll is being held open (lets tests synchronise on "the bot is polling"). */
  get isPolling(): boolean {
    return this.pendingPoll !== null;
  }

  /**
   * Forget what was sent, the API calls and the stored messages (not the queued updates): a
   * long-running user (the bench's soak, hundreds of thousands of messages) keeps the fake's own
   * heap, and its garbage collection, from growing with the count.
   */
  forgetHistory(): void {
    this.sent.length = 0;
    this.calls.length = 0;
    this.messages.clear();
  }

  /** Updates queued and not yet confirmed by an offset. */
  get pendingUpdates(): readonly TgUpdate[] {
    return this.queue;
  }

  /** Polls the predicate every 10 ms until it returns something truthy, which is resolved. */
  waitFor<T>(
    predicate: () => T | undefined | null | false,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const { timeoutMs = 10_000, what = "the condition" } = options;
    const deadline = Date.now() + timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const tick = (): void => {
        let value: T | undefined | null | false;
        try {
          value = predicate();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value) resolve(value);
        else if (Date.now() >= deadline)
          reject(
            new Error(`FakeTelegram: timed out after ${timeoutMs} ms waiting for ${what}. ${this.summary()}`),
          );
        else setTimeout(tick, 10);
      };
      tick();
    });
  }

  waitForSent(
    count: number,
    options: { chatId?: number | string; timeoutMs?: number } = {},
  ): Promise<SentMessage[]> {
    const { chatId, timeoutMs } = options;
    return this.waitFor(
      () => {
        const list = chatId === undefined ? this.sent : this.sentTo(chatId);
        return list.length >= count ? list.slice() : undefined;
      },
      { timeoutMs, what: `${count} sent message(s)${chatId === undefined ? "" : ` to chat ${chatId}`}` },
    );
  }

  sentTo(chatId: number | string): SentMessage[] {
    return this.sent.filter((m) => m.chatId === String(chatId));
  }

  /** One line per sent message, for failure messages. */
  summary(): string {
    if (this.sent.length === 0) return `Nothing sent (${this.calls.length} API call(s)).`;
    const lines = this.sent.map((m) => {
      const text = m.text.length > 80 ? `${m.text.slice(0, 77)}...` : m.text;
      return `  ${m.method} chat ${m.chatId} #${m.messageId}: ${JSON.stringify(text)}`;
    });
    return `Sent ${this.sent.length} message(s):\n${lines.join("\n")}`;
  }

  // ---------------------------------------------------------------- faults

  /** The next `times` calls of `method` answer with this error instead of succeeding. */
  failNext(method: string, error: Fault, times = 1): void {
    const key = method.toLowerCase();
    const list = this.nextFaults.get(key) ?? [];
    list.push({ fault: error, remaining: times });
    this.nextFaults.set(key, list);
  }

  /** Every nth call of `method` from now on (the nth, 2nth, ...) answers with this error. */
  failEvery(method: string, n: number, error: Fault): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`failEvery: n must be a positive integer, got ${n}`);
    this.everyFaults.set(method.toLowerCase(), { n, fault: error, count: 0 });
  }

  /**
   * A flood wait: every call of `method` answers 429 with `retry_after` = `retryAfterSeconds`
   * until `forMs` have passed, as Telegram does when a bot overruns its limits.
   */
  rateLimitFor(method: string, forMs: number, retryAfterSeconds: number): void {
    this.storms.set(method.toLowerCase(), { until: Date.now() + forMs, retryAfter: retryAfterSeconds });
  }

  /**
   * Runs `hook` after a successful `method` call took effect (a sendMessage is in `sent`) and
   * before its answer is written; the answer waits for the hook's promise. A test holds the
   * answer there, or kills the caller between "sent" and "told it was sent". undefined removes it.
   */
  onAnswer(method: string, hook: AnswerHook | undefined): void {
    if (hook) this.answerHooks.set(method.toLowerCase(), hook);
    else this.answerHooks.delete(method.toLowerCase());
  }

  clearFaults(): void {
    this.nextFaults.clear();
    this.everyFaults.clear();
    this.storms.clear();
    this.answerHooks.clear();
  }

  /** Idempotent. Answers a pending long poll with [] first, then drops every connection. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const poll = this.pendingPoll;
    if (poll) {
      this.answerPoll(poll, []);
      // Let the answer reach the socket before the connection is destroyed under it.
      await finished(poll.res).catch(() => undefined);
    }
    this.server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.apiRoot);
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) return this.serveFile(req, res, download[1] ?? "", decodeURIComponent(download[2] ?? ""));
    const match = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(url.pathname);
    let body: Record<string, unknown>;
    try {
      body = await readBody(req, url);
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(400, "Bad Request: unreadable body");
      return reply(res, e.status, errorPayload(e));
    }
    if (!match) return reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const [, token = "", rawMethod = ""] = match;
    const route = this.handlers.get(rawMethod.toLowerCase());
    const isGetUpdates = rawMethod.toLowerCase() === "getupdates";
    const method = route?.method ?? (isGetUpdates ? "getUpdates" : rawMethod);
    const call: ApiCall = { method, body, at: Date.now() };
    this.calls.push(call);

    try {
      if (token !== this.token) throw new ApiError(401, "Unauthorized");
      if (!route && !isGetUpdates) throw new ApiError(404, "Not Found: method not found");
      const fault = this.takeFault(method);
      if (fault) throw new ApiError(fault.status, faultDescription(fault), fault.retryAfter);
      if (isGetUpdates) return this.apiGetUpdates(body, res, call);
      const result = route?.handler(body);
      const hook = this.answerHooks.get(method.toLowerCase());
      if (hook) await hook(call);
      this.respond(res, call, 200, { ok: true, result });
    } catch (error) {
      // A bug in the fake itself becomes a 500 the test can see, not an unhandled rejection.
      const e =
        error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${String(error)}`);
      this.respond(res, call, e.status, errorPayload(e));
    }
  }

  /** Telegram's file download path: the bytes, or 404 (a wrong token too, as Telegram does). */
  private serveFile(req: IncomingMessage, res: ServerResponse, token: string, filePath: string): void {
    const bytes = token === this.token && req.method === "GET" ? this.files.download(filePath) : undefined;
    this.calls.push({
      method: "fileDownload",
      body: { filePath },
      at: Date.now(),
      status: bytes ? 200 : 404,
    });
    if (!bytes) return reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.length),
    });
    res.end(bytes);
  }

  private respond(res: ServerResponse, call: ApiCall, status: number, payload: unknown): void {
    call.status = status;
    reply(res, status, payload, this.closing !== null);
  }

  private takeFault(method: string): Fault | undefined {
    const key = method.toLowerCase();
    const storm = this.storms.get(key);
    if (storm && Date.now() < storm.until) return { status: 429, retryAfter: storm.retryAfter };
    const every = this.everyFaults.get(key);
    if (every && ++every.count % every.n === 0) return every.fault;
    const next = this.nextFaults.get(key)?.[0];
    if (!next) return undefined;
    if (--next.remaining <= 0) this.nextFaults.get(key)?.shift();
    return next.fault;
  }

  // ---------------------------------------------------------------- getUpdates

  private apiGetUpdates(body: Record<string, unknown>, res: ServerResponse, call: ApiCall): void {
    if (this.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    let offset = optNumber(body, "offset") ?? 0;
    if (offset > 0) this.confirmBelow(offset);
    if (offset < 0) {
      // Telegram: the last -offset updates are kept, everything before them is forgotten.
      this.queue.splice(0, Math.max(0, this.queue.length + offset));
      offset = 0;
    }
    const allowed = optStringArray(body, "allowed_updates");
    if (allowed) this.allowedUpdates = allowed;
    const limit = Math.min(100, Math.max(1, optNumber(body, "limit") ?? 100));
    const timeoutMs = Math.max(0, (optNumber(body, "timeout") ?? 0) * 1000);

    // Only one getUpdates at a time, the newest wins (see the file comment).
    const superseded = this.pendingPoll;
    if (superseded) {
      if (this.concurrentPolls === "empty") this.answerPoll(superseded, []);
      else {
        this.clearPoll(superseded);
        this.respond(
          superseded.res,
          superseded.call,
          409,
          errorPayload(
            new ApiError(
              409,
              "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
            ),
          ),
        );
      }
    }

    const batch = this.collect(offset, limit);
    if (batch.length > 0 || timeoutMs === 0 || this.closing) {
      this.respond(res, call, 200, { ok: true, result: batch });
      return;
    }
    const poll: PendingPoll = {
      res,
      call,
      offset,
      limit,
      timer: setTimeout(() => this.answerPoll(poll, []), timeoutMs),
    };
    this.pendingPoll = poll;
    // The client gave up (telegraf aborts its poll on stop): forget the poll, keep the updates.
    res.once("close", () => {
      if (this.pendingPoll === poll) this.clearPoll(poll);
    });
  }

  private confirmBelow(offset: number): void {
    while (this.queue.length > 0 && (this.queue[0]?.update_id ?? Infinity) < offset) this.queue.shift();
    for (let i = this.redeliveries.length - 1; i >= 0; i--) {
      const confirmAt = this.redeliveries[i]?.confirmedByOffset;
      if (confirmAt !== undefined && offset >= confirmAt) this.redeliveries.splice(i, 1);
    }
  }

  /** The updates a getUpdates(offset, limit) answers with; marks redeliveries as delivered. */
  private collect(offset: number, limit: number): TgUpdate[] {
    const byId = new Map<number, TgUpdate>();
    for (const r of this.redeliveries) if (this.isAllowed(r.update)) byId.set(r.update.update_id, r.update);
    for (const u of this.queue) if (u.update_id >= offset && this.isAllowed(u)) byId.set(u.update_id, u);
    const batch = [...byId.values()].sort((a, b) => a.update_id - b.update_id).slice(0, limit);
    const last = batch.at(-1);
    if (last) {
      // The client confirms this batch with offset last + 1 (telegraf does exactly that).
      const ids = new Set(batch.map((u) => u.update_id));
      for (const r of this.redeliveries) {
        if (ids.has(r.update.update_id)) r.confirmedByOffset = last.update_id + 1;
      }
    }
    return batch;
  }

  private isAllowed(update: TgUpdate): boolean {
    const type = Object.keys(update).find((k) => k !== "update_id");
    if (type === undefined) return true;
    if (this.allowedUpdates.length === 0) return !OPT_IN_UPDATE_TYPES.has(type);
    return this.allowedUpdates.includes(type);
  }

  private enqueue(update: TgUpdate): TgUpdate {
    const at = this.queue.findIndex((u) => u.update_id > update.update_id);
    this.queue.splice(at === -1 ? this.queue.length : at, 0, update);
    this.wakePoll();
    return update;
  }

  private wakePoll(): void {
    const poll = this.pendingPoll;
    if (!poll) return;
    // A poll whose client vanished must not swallow updates (collect marks redeliveries as delivered).
    if (poll.res.destroyed) return this.clearPoll(poll);
    const batch = this.collect(poll.offset, poll.limit);
    if (batch.length > 0) this.answerPoll(poll, batch);
  }

  private answerPoll(poll: PendingPoll, updates: TgUpdate[]): void {
    this.clearPoll(poll);
    this.respond(poll.res, poll.call, 200, { ok: true, result: updates });
  }

  private clearPoll(poll: PendingPoll): void {
    clearTimeout(poll.timer);
    if (this.pendingPoll === poll) this.pendingPoll = null;
  }

  // ---------------------------------------------------------------- other methods

  private apiSendMessage(body: Record<string, unknown>): TgMessage {
    const chatId = requireChatId(body);
    const text = requireText(body);
    const parseMode = optParseMode(body);
    const replyMarkup = jsonField(body, "reply_markup");
    const message: TgMessage = {
      message_id: this.allocMessageId(chatId),
      date: nowSeconds(),
      chat: this.chatOf(chatId),
      from: this.botUser(),
      text,
      ...inlineMarkup(replyMarkup),
    };
    this.messages.set(messageKey(chatId, message.message_id), { message, fromBot: true });
    this.sent.push({
      messageId: message.message_id,
      chatId,
      text,
      replyMarkup,
      parseMode,
      at: Date.now(),
      method: "sendMessage",
    });
    return message;
  }

  /** sendPhoto / sendDocument with an uploaded file (multipart), as telegraf's Input.fromBuffer sends it. */
  private apiSendFile(body: Record<string, unknown>, method: string, field: "photo" | "document"): TgMessage {
    const chatId = requireChatId(body);
    const file = (body[UPLOADS] as Record<string, UploadedFile> | undefined)?.[field];
    if (!file) throw new ApiError(400, `Bad Request: there is no ${field} in the request`);
    const caption = optString(body, "caption");
    if (caption !== undefined && caption.length > 1024)
      throw new ApiError(400, "Bad Request: message caption is too long");
    const replyMarkup = jsonField(body, "reply_markup");
    const stored = this.files.add(file.bytes);
    const message: TgMessage = {
      message_id: this.allocMessageId(chatId),
      date: nowSeconds(),
      chat: this.chatOf(chatId),
      from: this.botUser(),
      [field]:
        field === "photo"
          ? [{ file_id: stored.fileId, file_unique_id: stored.fileUniqueId, file_size: file.bytes.length }]
          : { file_id: stored.fileId, file_unique_id: stored.fileUniqueId, file_name: file.fileName },
      ...(caption !== undefined ? { caption } : {}),
      ...inlineMarkup(replyMarkup),
    };
    this.messages.set(messageKey(chatId, message.message_id), { message, fromBot: true });
    this.sent.push({
      messageId: message.message_id,
      chatId,
      text: caption ?? "",
      replyMarkup,
      at: Date.now(),
      method,
      file,
    });
    return message;
  }

  private apiEditMessageText(body: Record<string, unknown>): TgMessage {
    const chatId = requireChatId(body);
    const messageId = optNumber(body, "message_id");
    if (messageId === undefined) throw new ApiError(400, "Bad Request: message identifier is not specified");
    const text = requireText(body);
    const parseMode = optParseMode(body);
    const replyMarkup = jsonField(body, "reply_markup");
    const stored = this.messages.get(messageKey(chatId, messageId));
    if (!stored) throw new ApiError(400, "Bad Request: message to edit not found");
    if (!stored.fromBot) throw new ApiError(400, "Bad Request: message can't be edited");
    // Telegram refuses a no-op edit; a bot that re-renders blindly must cope with this error.
    const { reply_markup: oldMarkup } = stored.message;
    if (
      stored.message.text === text &&
      JSON.stringify(oldMarkup) === JSON.stringify(inlineMarkup(replyMarkup).reply_markup)
    ) {
      throw new ApiError(
        400,
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    const { reply_markup: _dropped, ...rest } = stored.message;
    const message: TgMessage = { ...rest, text, edit_date: nowSeconds(), ...inlineMarkup(replyMarkup) };
    stored.message = message;
    this.sent.push({
      messageId,
      chatId,
      text,
      replyMarkup,
      parseMode,
      at: Date.now(),
      method: "editMessageText",
    });
    return message;
  }

  private apiDeleteMessage(body: Record<string, unknown>): true {
    const chatId = requireChatId(body);
    const messageId = optNumber(body, "message_id");
    if (messageId === undefined) throw new ApiError(400, "Bad Request: message identifier is not specified");
    this.messages.delete(messageKey(chatId, messageId));
    this.deleted.push({ chatId, messageId });
    return true;
  }

  private apiAnswerCallbackQuery(body: Record<string, unknown>): true {
    const callbackQueryId = optString(body, "callback_query_id");
    if (!callbackQueryId)
      throw new ApiError(
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
      );
    const text = optString(body, "text");
    this.callbackAnswers.push(text === undefined ? { callbackQueryId } : { callbackQueryId, text });
    return true;
  }

  private apiSetWebhook(body: Record<string, unknown>): true {
    const url = optString(body, "url") ?? "";
    const secretToken = optString(body, "secret_token");
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw new ApiError(400, "Bad Request: secret token contains unallowed characters");
    }
    const allowedUpdates = optStringArray(body, "allowed_updates");
    if (allowedUpdates) this.allowedUpdates = allowedUpdates;
    if (body.drop_pending_updates === true || body.drop_pending_updates === "true") this.dropPending();
    // As on Telegram, an empty url removes the webhook.
    this.webhook = url === "" ? null : { url, secretToken, allowedUpdates };
    return true;
  }

  private apiDeleteWebhook(body: Record<string, unknown>): true {
    if (body.drop_pending_updates === true || body.drop_pending_updates === "true") this.dropPending();
    this.webhook = null;
    return true;
  }

  private apiGetWebhookInfo(): Record<string, unknown> {
    return {
      url: this.webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.webhook && this.allowedUpdates.length > 0 ? { allowed_updates: this.allowedUpdates } : {}),
    };
  }

  private apiSetMyCommands(body: Record<string, unknown>): true {
    const commands = jsonField(body, "commands");
    if (!Array.isArray(commands)) throw new ApiError(400, 'Bad Request: parameter "commands" is required');
    this.commands.set(commandsKey(body), commands);
    return true;
  }

  // ---------------------------------------------------------------- bookkeeping

  private dropPending(): void {
    this.queue.length = 0;
    this.redeliveries.length = 0;
  }

  private botUser(): TgUser & Record<string, unknown> {
    return {
      id: Number(this.token.split(":")[0]) || 123456,
      is_bot: true,
      first_name: "Pustaka Test Bot",
      username: "pustaka_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  }

  private chatOf(chatId: string): TgChat {
    const numeric = Number(chatId);
    // Reuse what the patron's messages said about the chat (its first_name), if anything.
    for (const { message } of this.messages.values())
      if (message.chat.id === numeric) return { ...message.chat };
    return { id: numeric, type: "private" };
  }

  private allocUpdateId(): number {
    return this.nextUpdateId++;
  }

  private allocMessageId(chatId: string): number {
    const id = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, id);
    return id;
  }

  private defaultButtonMessage(chatId: string): number {
    const toChat = this.sent.filter(
      (m) => m.chatId === chatId && this.messages.has(messageKey(chatId, m.messageId)),
    );
    const withMarkup = toChat.filter((m) => m.replyMarkup !== undefined);
    const chosen = withMarkup.at(-1) ?? toChat.at(-1);
    if (!chosen)
      throw new Error(`FakeTelegram.pressButton: the bot sent nothing to chat ${chatId}; pass a messageId`);
    return chosen.messageId;
  }
}
