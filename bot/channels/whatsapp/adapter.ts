/**
 * The WhatsApp adapter over whatsapp-web.js (client.ts): WhatsApp Web in a headless Chromium,
 * paired to the library's phone like WhatsApp Desktop. It owns the session's life:
 *
 * - pairing: a QR code (drawn in the terminal, and shown to admins on the console through
 *   `onStatus`), or a code to type on the phone when WHATSAPP_PAIRING_PHONE is set;
 * - reconnecting: a lost session (or a browser that would not start) is rebuilt with a fresh
 *   client after a backoff; a logged-out or unpaired one says "needs_pairing" and shows a new QR;
 * - replies wait while it is down: send() answers "retry later" (ChannelRateLimitedError), which
 *   egress waits out without using an attempt, so nothing fails while the phone is re-paired;
 * - delivery acks (`message_ack`) go to `onDelivery` (recorded on the reply's row);
 * - files: a patron's photo, document or voice note is downloaded at intake (media.ts); a
 *   librarian's attachment goes out as MessageMedia (images shown, anything else as a document).
 *
 * WhatsApp does not redeliver a message we did not take: each one is handed to the ingress, which
 * waits out a database outage for as long as it takes, one chat's messages one after another so
 * they are logged in the order they came.
 */
import QRCode from "qrcode";
import type { ChannelAdapter, ChannelDeps, OnInbound } from "../../channel";
import type { ChannelStatusReport } from "../../../shared/channel-status";
import type { Delivery, OutboundMessage, SentReceipt } from "../../../shared/envelope";
import {
  ChannelRateLimitedError,
  ChannelRejectedError,
  ChannelUnavailableError,
  errorMessage,
} from "../../../shared/errors";
import { delay, once, withTimeout } from "../../../shared/lifecycle";
import type { Logger } from "../../../shared/logger";
import type { WaClientLike, WaMessageLike } from "./client";
import type { WhatsAppConfig } from "./config";
import { fetchWhatsAppMedia, type WaFetchOptions } from "./media";
import { normaliseWhatsAppMessage } from "./message";

export interface WhatsAppOptions extends WhatsAppConfig {
  logger: Logger;
  /** builds a fresh client for every (re)connection */
  createClient: () => WaClientLike;
  onDelivery?: ChannelDeps["onDelivery"] | undefined;
  onStatus?: ChannelDeps["onStatus"] | undefined;
  /** where the QR code is drawn (default stderr); null: nowhere */
  terminal?: NodeJS.WritableStream | null;
  /** reconnect backoff: base doubled per failure up to max (default 2 s … 5 min) */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** while disconnected, egress is told to retry a reply after this (default 10 s) */
  retryWhileDownMs?: number;
  /** how often the state is reported again, so admins can tell a live bot from a dead one (default 60 s) */
  heartbeatMs?: number;
  /** an ack for a reply whose "sent" is not written yet is tried again this often (default 5 tries from 200 ms) */
  ackTries?: number;
  ackRetryMs?: number;
  /** MEDIA_MAX_BYTES: a patron's larger file is not downloaded (default 10 MiB) */
  mediaMaxBytes?: number | undefined;
  /** a patron's file download: its time bound, tries and backoff (media.ts defaults) */
  mediaFetch?: Partial<Omit<WaFetchOptions, "maxBytes" | "signal">>;
}

/** Disconnect reasons after which the phone must pair again (the session is gone). */
const NEEDS_PAIRING = new Set(["LOGOUT", "UNPAIRED", "UNPAIRED_IDLE"]);

/** whatsapp-web.js MessageAck → our delivery (0, pending, says nothing new). */
const ACKS: Record<number, Delivery | "error"> = {
  [-1]: "error",
  1: "server",
  2: "device",
  3: "read",
  4: "played",
};

export class WhatsAppChannel implements ChannelAdapter {
  readonly name = "whatsapp" as const;
  private readonly abort = new AbortController();
  private client: WaClientLike | undefined;
  private destroying: Promise<void> = Promise.resolve();
  private status: ChannelStatusReport = { state: "starting" };
  private failures = 0;
  private onInbound: OnInbound | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** per chat: the tail of its messages being recorded, so they are logged in arrival order */
  private readonly chats = new Map<string, Promise<void>>();

  constructor(private readonly options: WhatsAppOptions) {}

  /** Alive: started and not closed. The session itself may be down meanwhile (see `state`); it heals itself. */
  get ready(): boolean {
    return !!this.onInbound && !this.abort.signal.aborted;
  }

  get state(): ChannelStatusReport {
    return this.status;
  }

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
    this.heartbeat = setInterval(
      () => this.options.onStatus?.(this.status),
      this.options.heartbeatMs ?? 60_000,
    );
    this.heartbeat.unref();
    // Not awaited: a session waiting to be paired must not hold up the other channels' start.
    void this.connect();
  }

  async send(message: OutboundMessage): Promise<SentReceipt> {
    const client = this.client;
    if (!client || this.status.state !== "ready")
      throw new ChannelRateLimitedError(
        this.options.retryWhileDownMs ?? 10_000,
        `whatsapp is ${this.status.state}; the reply waits`,
      );
    if (message.attachment) return this.sendFile(client, message);
    try {
      const sent = await client.sendMessage(message.chatId, message.text);
      return { channelMessageId: sent.id._serialized };
    } catch (err) {
      throw toChannelError(err);
    }
  }

  /**
   * A reply with a file: one MessageMedia with the text as its caption (WhatsApp captions are as
   * long as messages). Images are shown in the chat; a PDF (anything else) goes as a document, so
   * the patron gets the file itself under its name rather than a preview.
   */
  private async sendFile(client: WaClientLike, message: OutboundMessage): Promise<SentReceipt> {
    const file = message.attachment!;
    if (!file.bytes) throw new ChannelRejectedError(400, "the attachment's bytes were not loaded");
    try {
      const sent = await client.sendMedia(
        message.chatId,
        { mimetype: file.mimeType, data: file.bytes.toString("base64"), filename: file.fileName },
        {
          ...(message.text ? { caption: message.text } : {}),
          sendMediaAsDocument: !file.mimeType.startsWith("image/"),
        },
      );
      return { channelMessageId: sent.id._serialized };
    } catch (err) {
      throw toChannelError(err);
    }
  }

  /** An admin asked (console) for a pairing code for this number: only while waiting to be paired. */
  async pairByPhone(phone: string): Promise<void> {
    const client = this.client;
    if (!client || this.status.state !== "needs_pairing") {
      this.options.logger.info({ state: this.status.state }, "whatsapp: pairing code not needed now");
      return;
    }
    try {
      const code = await client.requestPairingCode(phone);
      if (this.client === client) this.showPairingCode(code, phone);
    } catch (err) {
      this.options.logger.warn({ err: errorMessage(err) }, "whatsapp: pairing code refused; scan the QR");
    }
  }

  readonly close = once(async () => {
    this.abort.abort();
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    if (client) this.destroy(client);
    await withTimeout(this.destroying, 15_000, "closing WhatsApp Web").catch((err) =>
      this.options.logger.warn({ err: errorMessage(err) }, "whatsapp: browser did not close"),
    );
    this.report({ state: "stopped" });
  });

  private async connect(): Promise<void> {
    // The previous browser must be gone first: two cannot share the session's profile directory.
    await this.destroying;
    if (this.abort.signal.aborted) return;
    let client: WaClientLike;
    try {
      client = this.options.createClient();
    } catch (err) {
      return this.lost(undefined, `cannot create the client: ${errorMessage(err)}`);
    }
    this.client = client;
    this.wire(client);
    this.report({ state: "starting" });
    client.initialize().catch((err: unknown) => {
      if (this.client === client) this.lost(client, `cannot start WhatsApp Web: ${errorMessage(err)}`);
    });
  }

  private wire(client: WaClientLike): void {
    const current = () => this.client === client && !this.abort.signal.aborted;
    let codeAsked = false;
    client.on("qr", (qr) => {
      if (!current()) return;
      if (this.options.pairingPhone) {
        // Pairing by phone number: ask once per client; the code replaces the QR.
        if (!codeAsked) {
          codeAsked = true;
          client.requestPairingCode(this.options.pairingPhone).then(
            (code) => current() && this.showPairingCode(code, this.options.pairingPhone!),
            (err: unknown) => {
              this.options.logger.warn(
                { err: errorMessage(err) },
                "whatsapp: pairing code refused; scan the QR",
              );
              if (current()) this.showQr(qr);
            },
          );
        }
        return;
      }
      this.showQr(qr);
    });
    client.on(
      "code",
      (code) => current() && this.showPairingCode(code, this.options.pairingPhone ?? "the phone"),
    );
    client.on("authenticated", () => current() && this.report({ state: "authenticated" }));
    client.on("auth_failure", (message) => {
      if (current()) this.lost(client, `auth_failure: ${message}`, true);
    });
    client.on("ready", () => {
      if (!current()) return;
      this.failures = 0;
      this.options.logger.info("whatsapp: ready");
      this.report({ state: "ready" });
    });
    client.on("disconnected", (reason) => {
      if (current()) this.lost(client, String(reason));
    });
    client.on("message", (message) => {
      if (current()) this.inOrder(message);
    });
    client.on("message_ack", (message, ack) => void this.ack(message, ack));
  }

  /** The session is gone: drop this client, tell admins, and try again after a backoff. */
  private lost(
    client: WaClientLike | undefined,
    reason: string,
    needsPairing = NEEDS_PAIRING.has(reason),
  ): void {
    if (client) {
      if (this.client === client) this.client = undefined;
      this.destroy(client);
    }
    if (this.abort.signal.aborted) return;
    const base = this.options.reconnectBaseMs ?? 2000;
    const wait = Math.min(base * 2 ** this.failures, this.options.reconnectMaxMs ?? 300_000);
    this.failures++;
    this.options.logger.warn(
      { reason, reconnectInMs: wait, needsPairing },
      needsPairing
        ? "whatsapp: the phone must pair again (admins are shown a new QR)"
        : "whatsapp: disconnected",
    );
    this.report({ state: needsPairing ? "needs_pairing" : "disconnected", reason, reconnectInMs: wait });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), wait);
  }

  private destroy(client: WaClientLike): void {
    client.removeAllListeners();
    const previous = this.destroying;
    this.destroying = previous.then(() =>
      withTimeout(client.destroy(), 15_000, "destroy").catch((err: unknown) =>
        this.options.logger.debug({ err: errorMessage(err) }, "whatsapp: destroy failed (already closed)"),
      ),
    );
  }

  private showQr(qr: string): void {
    this.report({ state: "needs_pairing", qr });
    const terminal = this.options.terminal === undefined ? process.stderr : this.options.terminal;
    if (!terminal) return;
    QRCode.toString(qr, { type: "terminal", small: true }).then(
      (drawn) =>
        terminal.write(
          `\nWhatsApp: scan this QR code with the library's phone (WhatsApp → Linked devices → Link a device), or open the console's Admin tab:\n${drawn}\n`,
        ),
      () => undefined,
    );
  }

  private showPairingCode(code: string, phone: string): void {
    this.report({ state: "needs_pairing", pairingCode: code });
    const terminal = this.options.terminal === undefined ? process.stderr : this.options.terminal;
    terminal?.write(
      `\nWhatsApp: on the phone of ${phone}, open Linked devices → Link with phone number and type ${code}\n`,
    );
  }

  private report(status: ChannelStatusReport): void {
    this.status = status;
    try {
      this.options.onStatus?.(status);
    } catch (err) {
      this.options.logger.warn({ err: errorMessage(err) }, "whatsapp: status report failed");
    }
  }

  /** One chat's messages are recorded one after another, in the order WhatsApp gave them. */
  private inOrder(message: WaMessageLike): void {
    const chat = typeof message?.from === "string" ? message.from : "";
    const previous = this.chats.get(chat) ?? Promise.resolve();
    const next = previous.then(() => this.receive(message));
    this.chats.set(chat, next);
    void next.finally(() => {
      if (this.chats.get(chat) === next) this.chats.delete(chat);
    });
  }

  private async receive(raw: WaMessageLike): Promise<void> {
    const onInbound = this.onInbound!;
    try {
      const read = normaliseWhatsAppMessage(raw);
      if ("ignored" in read) {
        // Logged without its text: not a patron's conversation with the library.
        this.options.logger.info({ ignored: read.ignored, type: raw.type }, "whatsapp: message ignored");
        return;
      }
      if ("unreadable" in read) {
        await onInbound.unreadable?.({
          channel: "whatsapp",
          key: null,
          raw: rawOf(raw),
          why: read.unreadable,
        });
        return;
      }
      const media = await fetchWhatsAppMedia(raw, read.message, {
        maxBytes: this.options.mediaMaxBytes ?? 10 * 1024 * 1024,
        signal: this.abort.signal,
        ...this.options.mediaFetch,
      });
      if (media?.notStored)
        this.options.logger.warn(
          { key: read.message.key, kind: read.message.kind, why: media.notStored },
          "whatsapp: file not kept",
        );
      await onInbound(media ? { ...read.message, media } : read.message, rawOf(raw));
    } catch (err) {
      // Only on shutdown (the ingress waits out the database otherwise): WhatsApp will not redeliver it.
      this.options.logger.error(
        { err: errorMessage(err), key: raw?.id?._serialized },
        "whatsapp: message not recorded",
      );
    }
  }

  private async ack(message: WaMessageLike, ack: number): Promise<void> {
    const delivery = ACKS[ack];
    const channelMessageId = message?.id?._serialized;
    if (!delivery || !channelMessageId || !message.fromMe || !this.options.onDelivery) return;
    const tries = this.options.ackTries ?? 5;
    for (let attempt = 0; attempt < tries && !this.abort.signal.aborted; attempt++) {
      try {
        if (await this.options.onDelivery({ channel: "whatsapp", channelMessageId, delivery })) return;
      } catch (err) {
        this.options.logger.warn({ err: errorMessage(err) }, "whatsapp: cannot record an ack");
      }
      // Not (yet) a sent reply: the ack can beat egress's "sent" write by a few milliseconds.
      await delay((this.options.ackRetryMs ?? 200) * 2 ** attempt, this.abort.signal);
    }
    this.options.logger.debug({ channelMessageId, ack }, "whatsapp: ack for no reply of ours");
  }
}

/** What is kept of an update for a dead letter: the SDK object without its client reference. */
function rawOf(m: WaMessageLike): unknown {
  const { _data, ...rest } = (m ?? {}) as WaMessageLike & { client?: unknown };
  delete (rest as { client?: unknown }).client;
  return { ...rest, notifyName: _data?.notifyName };
}

/** whatsapp-web.js throws plain Errors from the page: a bad chat id is for good, anything else may pass. */
export function toChannelError(err: unknown): Error {
  const message = errorMessage(err);
  if (/invalid wid|wid error|No LID for user|not a valid/i.test(message))
    return new ChannelRejectedError(400, `whatsapp: ${message}`);
  return new ChannelUnavailableError(`whatsapp: ${message}`, { cause: err });
}
