/**
 * A fake whatsapp-web.js Client: an EventEmitter the test drives with the SDK's events (`qr`,
 * `ready`, `message`, `message_ack`, `disconnected`, …) in the SDK's shapes, recording every
 * `sendMessage` and every file sent as MessageMedia (`sendMedia`); a patron's media message
 * carries `downloadMedia()` like the SDK's (counted, so a test can tell it was never called).
 * `FakeWhatsApp` is the phone side: it hands the adapter a fresh client per
 * (re)connection, as whatsapp-web.js needs, and keeps what every client sent.
 */
import { EventEmitter, once as onceEvent } from "node:events";
import type {
  WaClientLike,
  WaEvents,
  WaMedia,
  WaMediaOptions,
  WaMessageLike,
} from "../../bot/channels/whatsapp";

export interface FakeSent {
  chatId: string;
  /** the text, or a file's caption ("" without one) */
  text: string;
  /** the id the fake gave the sent message (acks name it) */
  id: string;
  /** a file sent as MessageMedia: what the SDK would get, and the options it was sent with */
  media?: WaMedia;
  options?: WaMediaOptions;
}

/** A patron's file on the phone side: what downloadMedia() gives, and how often it was asked. */
export interface FakeWaFile {
  bytes: Buffer;
  mimetype: string;
  filename?: string;
  /** what `_data.size` says (default the real size; null: WhatsApp did not say) */
  declaredSize?: number | null;
  /** downloadMedia() throws this many times before it answers */
  failTimes?: number;
  downloads: number;
}

export class FakeWaClient extends EventEmitter implements WaClientLike {
  initialized = false;
  destroyed = false;
  pairingCodeFor: string | undefined;
  /** set to make the next sendMessage throw this */
  failNextSend: Error | undefined;

  constructor(private readonly phone: FakeWhatsApp) {
    super();
  }

  async initialize(): Promise<void> {
    this.initialized = true;
    this.phone.events.emit("initialized", this);
    if (this.phone.failInitialize) throw this.phone.failInitialize;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  async sendMessage(chatId: string, text: string): Promise<{ id: { _serialized: string } }> {
    return this.deliver({ chatId, text });
  }

  async sendMedia(
    chatId: string,
    media: WaMedia,
    options: WaMediaOptions,
  ): Promise<{ id: { _serialized: string } }> {
    return this.deliver({ chatId, text: options.caption ?? "", media, options });
  }

  private async deliver(message: Omit<FakeSent, "id">): Promise<{ id: { _serialized: string } }> {
    if (this.failNextSend) {
      const err = this.failNextSend;
      this.failNextSend = undefined;
      throw err;
    }
    const { chatId } = message;
    const id = `true_${chatId}_3EB0${(++this.phone.sentCount).toString(16).padStart(16, "0")}`;
    const sent: FakeSent = { ...message, id };
    this.phone.sent.push(sent);
    this.phone.events.emit("sent");
    // WhatsApp's first ack can come before sendMessage returns (before egress writes "sent").
    if (this.phone.ackOnSend !== undefined) this.phone.ack(sent, this.phone.ackOnSend);
    return { id: { _serialized: id } };
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingCodeFor = phoneNumber;
    return "ABCD1234";
  }

  /** typed emit: the SDK's events with their arguments */
  fire<E extends keyof WaEvents>(event: E, ...args: WaEvents[E]): void {
    this.emit(event, ...args);
  }
}

export class FakeWhatsApp {
  readonly clients: FakeWaClient[] = [];
  readonly sent: FakeSent[] = [];
  sentCount = 0;
  readonly events = new EventEmitter();
  /** when set, every sent message is acked with this at once, before sendMessage returns */
  ackOnSend: number | undefined;
  /** when set, every client's initialize() rejects with it (a browser that cannot start) */
  failInitialize: Error | undefined;
  private messages = 0;

  /** the adapter's factory */
  readonly createClient = (): FakeWaClient => {
    const client = new FakeWaClient(this);
    this.clients.push(client);
    return client;
  };

  get client(): FakeWaClient {
    const last = this.clients[this.clients.length - 1];
    if (!last) throw new Error("no client created yet");
    return last;
  }

  /** Waits until the adapter has initialised its `n`th client (1-based) and returns it. */
  async initialized(n: number, timeoutMs = 10_000): Promise<FakeWaClient> {
    const signal = AbortSignal.timeout(timeoutMs);
    while (!(this.clients.length >= n && this.clients[n - 1]!.initialized))
      await onceEvent(this.events, "initialized", { signal });
    return this.clients[n - 1]!;
  }

  /** The newest client initialises, then is paired and ready. */
  async connect(n = this.clients.length || 1): Promise<FakeWaClient> {
    const client = await this.initialized(n);
    client.fire("authenticated");
    client.fire("ready");
    return client;
  }

  /** A message as whatsapp-web.js gives it; `from` a person unless overridden. */
  message(from: string, body: string, extra: Partial<WaMessageLike> = {}): WaMessageLike {
    const n = ++this.messages;
    return {
      id: { _serialized: `false_${from}_${n.toString(16).toUpperCase().padStart(20, "A")}`, fromMe: false },
      from,
      body,
      type: "chat",
      timestamp: Math.floor(Date.now() / 1000),
      fromMe: false,
      hasMedia: false,
      isStatus: false,
      broadcast: false,
      _data: { notifyName: "Siti" },
      ...extra,
    };
  }

  /** The patron `from` writes `body` (on the newest client). Returns the message it delivered. */
  say(from: string, body: string, extra: Partial<WaMessageLike> = {}): WaMessageLike {
    const message = this.message(from, body, extra);
    this.client.fire("message", message);
    return message;
  }

  /**
   * The patron `from` sends a file (`type` image, document, ptt, …), with `caption` as its body.
   * Returns the message and the file, whose `downloads` counts downloadMedia() calls.
   */
  sendFile(
    from: string,
    type: string,
    file: Omit<FakeWaFile, "downloads">,
    caption = "",
  ): { message: WaMessageLike; file: FakeWaFile } {
    const held: FakeWaFile = { ...file, downloads: 0 };
    const declared = file.declaredSize === undefined ? file.bytes.length : file.declaredSize;
    const message = this.message(from, caption, {
      type,
      hasMedia: true,
      _data: {
        notifyName: "Siti",
        mimetype: file.mimetype,
        ...(declared !== null ? { size: declared } : {}),
        ...(file.filename ? { filename: file.filename } : {}),
      },
      downloadMedia: async () => {
        held.downloads++;
        if ((held.failTimes ?? 0) >= held.downloads) throw new Error("Evaluation failed: media fetch 500");
        return {
          mimetype: held.mimetype,
          data: held.bytes.toString("base64"),
          filename: held.filename ?? null,
          filesize: held.bytes.length,
        };
      },
    });
    this.client.fire("message", message);
    return { message, file: held };
  }

  /** WhatsApp reports how far a sent message got (1 server, 2 device, 3 read, 4 played, -1 error). */
  ack(sent: FakeSent, ack: number): void {
    this.client.fire(
      "message_ack",
      { ...this.message(sent.chatId, sent.text), id: { _serialized: sent.id, fromMe: true }, fromMe: true },
      ack,
    );
  }

  /** The messages sent to `chatId`, once there are at least `n`. */
  async waitForSent(chatId: string, n: number, timeoutMs = 10_000): Promise<FakeSent[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    for (;;) {
      const mine = this.sent.filter((m) => m.chatId === chatId);
      if (mine.length >= n) return mine;
      await onceEvent(this.events, "sent", { signal });
    }
  }
}
