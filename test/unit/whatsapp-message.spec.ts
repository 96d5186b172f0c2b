import { expect } from "chai";
import { CHANNEL_DESCRIPTORS } from "../../bot/channels";
import {
  normaliseWhatsAppMessage,
  pacing,
  type WaMessageLike,
  type WhatsAppConfig,
} from "../../bot/channels/whatsapp";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

const msg = (extra: Partial<WaMessageLike> = {}): WaMessageLike => ({
  id: { _serialized: "false_6281234567801@c.us_3EB0AAAA", fromMe: false },
  from: "6281234567801@c.us",
  body: "halo",
  type: "chat",
  timestamp: 1764554400,
  fromMe: false,
  hasMedia: false,
  _data: { notifyName: "Siti" },
  ...extra,
});

const message = (m: WaMessageLike) => {
  const read = normaliseWhatsAppMessage(m);
  if (!("message" in read)) throw new Error(`not a message: ${JSON.stringify(read)}`);
  return read.message;
};

describe("WhatsApp message → InboundMessage", () => {
  it("a private text: the chat is the sender, the number is their phone, the id the dedup key", () => {
    const m = message(msg());
    expect(m).to.deep.include({
      channel: "whatsapp",
      key: "false_6281234567801@c.us_3EB0AAAA",
      chatId: "6281234567801@c.us",
      chat: { type: "private" },
      kind: "text",
      text: "halo",
      sentAt: "2025-12-01T02:00:00.000Z",
      channelMessageId: "false_6281234567801@c.us_3EB0AAAA",
    });
    expect(m.sender).to.deep.equal({
      id: "6281234567801@c.us",
      displayName: "Siti",
      phone: "+6281234567801",
    });
  });

  it("an @lid sender carries no number: no phone, flagged in meta", () => {
    const m = message(msg({ from: "215869873426472@lid", _data: {} }));
    expect(m.sender).to.deep.equal({ id: "215869873426472@lid", displayName: "215869873426472@lid" });
    expect(m.meta.lid).to.equal(true);
  });

  it("media become their kind with the caption as text (the relay's 'I read only text' applies)", () => {
    const cases: Array<[string, string]> = [
      ["image", "photo"],
      ["video", "video"],
      ["ptt", "voice"],
      ["audio", "audio"],
      ["document", "document"],
      ["sticker", "sticker"],
      ["location", "location"],
      ["vcard", "contact"],
      ["poll_creation", "poll"],
      ["call_log", "unknown"],
    ];
    for (const [type, kind] of cases) {
      const m = message(msg({ type, body: "keterangan", hasMedia: type !== "location" }));
      expect([type, m.kind, m.text, m.meta.waType]).to.deep.equal([type, kind, "keterangan", type]);
    }
    expect(message(msg({ type: "image", body: "" })).text).to.equal(null);
    const at = message(msg({ type: "location", body: "", location: { latitude: "-6.9", longitude: 107.6 } }));
    expect(at.meta).to.deep.include({ latitude: -6.9, longitude: 107.6 });
  });

  it("a contact card is the sender's own only when its waid is the sender's number", () => {
    const card = (waid: string) =>
      `BEGIN:VCARD\nVERSION:3.0\nFN:Siti\nTEL;type=CELL;waid=${waid}:+62 812-3456-7801\nEND:VCARD`;
    const own = message(msg({ type: "vcard", vCards: [card("6281234567801")] }));
    expect(own.contact).to.deep.equal({ phone: "+6281234567801", isSender: true });
    const other = message(msg({ type: "vcard", vCards: [card("6289999999999")] }));
    expect(other.contact).to.deep.equal({ phone: "+6289999999999", isSender: false });
    const lid = message(msg({ from: "1234567@lid", type: "vcard", vCards: [card("6281234567801")] }));
    expect(lid.contact!.isSender).to.equal(false);
  });

  it("ignores groups, status updates, broadcasts, channels and our own messages", () => {
    const ignored = (extra: Partial<WaMessageLike>) => normaliseWhatsAppMessage(msg(extra));
    expect(ignored({ from: "120363025555555555@g.us", author: "6281234567801@c.us" })).to.deep.equal({
      ignored: "group",
    });
    expect(ignored({ author: "6281234567801@c.us" })).to.deep.equal({ ignored: "group" });
    expect(ignored({ from: "status@broadcast" })).to.deep.equal({ ignored: "status" });
    expect(ignored({ isStatus: true })).to.deep.equal({ ignored: "status" });
    expect(ignored({ from: "1234@broadcast" })).to.deep.equal({ ignored: "broadcast" });
    expect(ignored({ from: "120363@newsletter" })).to.deep.equal({ ignored: "newsletter" });
    expect(ignored({ fromMe: true })).to.deep.equal({ ignored: "own" });
    expect(normaliseWhatsAppMessage({ ...msg(), id: { _serialized: "" } })).to.have.property("unreadable");
  });
});

describe("WhatsApp config", () => {
  const load = (env: Record<string, string>) =>
    loadConfig(env, CHANNEL_DESCRIPTORS).channels.whatsapp as WhatsAppConfig | undefined;

  it("is off unless WHATSAPP_ENABLED=true; then the system chromium, a git-ignored session dir, 20 a minute", () => {
    expect(load({})).to.equal(undefined);
    expect(load({ WHATSAPP_ENABLED: "false" })).to.equal(undefined);
    expect(load({ WHATSAPP_ENABLED: "true" })).to.deep.equal({
      sessionDir: ".data/whatsapp-session",
      chromiumPath: "/usr/bin/chromium",
      pairingPhone: undefined,
      maxPerMinute: 20,
    });
    const rate = CHANNEL_DESCRIPTORS.find((d) => d.name === "whatsapp")!.sendRate(
      load({ WHATSAPP_ENABLED: "1" }),
    );
    expect(rate).to.deep.equal({ maxPerSecond: 1, perSeconds: 3 }); // evenly spaced, not 20 at once
    expect(pacing(1)).to.deep.equal({ maxPerSecond: 1, perSeconds: 60 });
    expect(pacing(7)).to.deep.equal({ maxPerSecond: 1, perSeconds: 9 });
    expect(pacing(600)).to.deep.equal({ maxPerSecond: 10 });
  });

  it("names the bad variable", () => {
    const refused = (env: Record<string, string>) => {
      try {
        load(env);
      } catch (err) {
        if (err instanceof ConfigError) return err.message;
      }
      throw new Error("accepted");
    };
    expect(refused({ WHATSAPP_ENABLED: "maybe" }))
      .to.contain("WHATSAPP_ENABLED")
      .and.contain("true or false");
    expect(refused({ WHATSAPP_ENABLED: "true", WHATSAPP_PAIRING_PHONE: "0812-3456" })).to.contain(
      "WHATSAPP_PAIRING_PHONE",
    );
    expect(refused({ WHATSAPP_MAX_PER_MINUTE: "0" })).to.contain("WHATSAPP_MAX_PER_MINUTE");
    expect(
      load({ WHATSAPP_ENABLED: "true", WHATSAPP_PAIRING_PHONE: "+6281234567890" })!.pairingPhone,
    ).to.equal("6281234567890");
  });
});
