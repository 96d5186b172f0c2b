/**
 * The only file that imports whatsapp-web.js. The adapter works with `WaClientLike`, the narrow
 * part of its Client it uses, so tests drive it with a fake (test/helpers/fake-whatsapp.ts, an
 * EventEmitter) and nothing else learns the SDK's types.
 */
import { EventEmitter } from "node:events";
import type { Client } from "whatsapp-web.js";

/** What the adapter reads of a whatsapp-web.js Message (the SDK's own Message satisfies it). */
export interface WaMessageLike {
  id: { _serialized: string; fromMe?: boolean };
  /** the chat: `<digits>@c.us` (a person), `<id>@lid` (a person, number hidden), `…@g.us` (group), `status@broadcast` */
  from: string;
  /** set in a group: who wrote it */
  author?: string | undefined;
  /** the text, or a media message's caption */
  body: string;
  /** chat, image, video, ptt, audio, document, sticker, location, vcard, … */
  type: string;
  /** seconds */
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  location?:
    { latitude: number | string; longitude: number | string; name?: string; address?: string } | undefined;
  vCards?: string[];
  /**
   * the raw WhatsApp Web model: `notifyName` is the sender's own display name; a media message's
   * `size` (bytes), `mimetype` and `filename` are known before its file is downloaded
   */
  _data?: { notifyName?: unknown; size?: unknown; mimetype?: unknown; filename?: unknown } | undefined;
  /** the file of a media message (whatsapp-web.js decrypts it in the page); undefined when WhatsApp has it no more */
  downloadMedia?(): Promise<WaMedia | undefined | null>;
}

/** A file as whatsapp-web.js's MessageMedia carries it: the bytes in base64. */
export interface WaMedia {
  mimetype: string;
  data: string;
  filename?: string | null | undefined;
  filesize?: number | null | undefined;
}

export interface WaMediaOptions {
  caption?: string;
  /** send as a file to open (a PDF), not as a picture shown in the chat */
  sendMediaAsDocument?: boolean;
}

/** The client events the adapter listens to, with their arguments. */
export interface WaEvents {
  qr: [qr: string];
  /** a new pairing code (phone-number pairing) */
  code: [code: string];
  authenticated: [];
  auth_failure: [message: string];
  ready: [];
  message: [message: WaMessageLike];
  message_ack: [message: WaMessageLike, ack: number];
  /** `LOGOUT`, or a WAState such as `UNPAIRED`, `CONFLICT`, `TOS_BLOCK` */
  disconnected: [reason: string];
}

export interface WaClientLike {
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, text: string): Promise<{ id: { _serialized: string } }>;
  /** a file (sent as the SDK's MessageMedia), the reply's text as its caption */
  sendMedia(
    chatId: string,
    media: WaMedia,
    options: WaMediaOptions,
  ): Promise<{ id: { _serialized: string } }>;
  /** returns the 8-character code the phone's owner types under Linked devices → Link with phone number */
  requestPairingCode(phoneNumber: string): Promise<string>;
  on<E extends keyof WaEvents>(event: E, listener: (...args: WaEvents[E]) => void): unknown;
  removeAllListeners(): unknown;
}

export interface WaClientSettings {
  sessionDir: string;
  chromiumPath: string;
}

const EVENTS: ReadonlyArray<keyof WaEvents> = [
  "qr",
  "code",
  "authenticated",
  "auth_failure",
  "ready",
  "message",
  "message_ack",
  "disconnected",
];

/**
 * The real client: the system's Chromium, headless, with the flags that let it run as root in a
 * container (no sandbox) and keep it quiet (no updates, sync or first-run pages); the session in
 * LocalAuth's directory. whatsapp-web.js (and puppeteer) is loaded on initialize(), not at start:
 * it costs most of a second, which a process without WhatsApp should not pay.
 */
export function createWaClient(settings: WaClientSettings): WaClientLike {
  const events = new EventEmitter();
  let client: Client | undefined;
  let wwebjs: WaWebJs | undefined;
  const started = (): Client => {
    if (!client) throw new Error("whatsapp client not initialised");
    return client;
  };
  return {
    initialize: async () => {
      // A CommonJS module imported from here: its exports are the namespace's default.
      const imported: { default?: WaWebJs } & Partial<WaWebJs> = await import("whatsapp-web.js");
      wwebjs = imported.default ?? (imported as WaWebJs);
      client = build(wwebjs, settings);
      for (const event of EVENTS) client.on(event, (...args: unknown[]) => events.emit(event, ...args));
      await client.initialize();
    },
    destroy: async () => {
      await client?.destroy();
    },
    sendMessage: async (chatId, text) => {
      const sent = await started().sendMessage(chatId, text, { linkPreview: false });
      return { id: { _serialized: sent.id._serialized } };
    },
    sendMedia: async (chatId, media, options) => {
      const file = new wwebjs!.MessageMedia(media.mimetype, media.data, media.filename ?? null);
      const sent = await started().sendMessage(chatId, file, { ...options, linkPreview: false });
      return { id: { _serialized: sent.id._serialized } };
    },
    requestPairingCode: (phoneNumber) => started().requestPairingCode(phoneNumber, true),
    on: (event, listener) => events.on(event, listener as (...args: unknown[]) => void),
    removeAllListeners: () => events.removeAllListeners(),
  };
}

type WaWebJs = typeof import("whatsapp-web.js");

function build(wwebjs: WaWebJs, settings: WaClientSettings): Client {
  const { Client, LocalAuth } = wwebjs;
  return new Client({
    authStrategy: new LocalAuth({ dataPath: settings.sessionDir }),
    // The page's version comes from web.whatsapp.com itself; no third-party version cache.
    webVersionCache: { type: "none" },
    puppeteer: {
      executablePath: settings.chromiumPath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-setuid-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  });
}
