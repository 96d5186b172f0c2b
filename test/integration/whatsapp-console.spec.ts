/**
 * WhatsApp pairing on the console: the bot's session state (a fake client's `qr`, `ready`,
 * `disconnected`) reaches admins live over Socket.IO through Redis, the QR drawn as an image;
 * librarians neither get it nor may ask for it.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { whatsappChannel } from "../../bot/channels/whatsapp";
import { FakeWhatsApp } from "../helpers/fake-whatsapp";
import { closeSql, sql, startTestApp } from "../helpers/app";
import { addStaff, connect, login, nextEvent, request, type ConsoleClient } from "../helpers/console";
import type { ChannelStatusView } from "../../web/console/events";

describe("WhatsApp pairing on the admin console (live, admins only)", function () {
  let phone: FakeWhatsApp;
  let app: App;
  let admin: ConsoleClient;
  let librarian: ConsoleClient;
  const librarianSaw: ChannelStatusView[] = [];

  before(async () => {
    phone = new FakeWhatsApp();
    ({ app } = await startTestApp(undefined, {
      env: { WHATSAPP_ENABLED: "true" },
      channels: [
        whatsappChannel({
          createClient: phone.createClient,
          options: { terminal: null, reconnectBaseMs: 20, reconnectMaxMs: 200 },
        }),
      ],
    }));
    const base = app.web!.url;
    const a = await addStaff(app, "admin");
    const l = await addStaff(app, "librarian");
    admin = await connect(base, { cookie: (await login(base, a.username)).cookie, origin: base });
    librarian = await connect(base, { cookie: (await login(base, l.username)).cookie, origin: base });
    librarian.on("channel:status", (s) => void librarianSaw.push(s));
    await phone.initialized(1);
  });

  after(async () => {
    admin?.close();
    librarian?.close();
    await app?.close();
    await closeSql();
  });

  it("pushes the QR to admins as an SVG image, then 'ready' once paired", async () => {
    const shown = nextEvent(admin, "channel:status", (s) => s.state === "needs_pairing");
    phone.client.fire("qr", "2@qr-for-the-console");
    const status = await shown;
    expect(status.channel).to.equal("whatsapp");
    expect(status.qrImage).to.match(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(status.qrImage!.split(",")[1]!, "base64").toString();
    expect(svg).to.match(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

    const ready = nextEvent(admin, "channel:status", (s) => s.state === "ready");
    phone.client.fire("authenticated");
    phone.client.fire("ready");
    expect((await ready).qrImage).to.equal(null);

    const listed = await request<{ channels: ChannelStatusView[] }>(admin, "channel:list");
    expect(listed.ok && listed.channels.map((c) => [c.channel, c.state])).to.deep.equal([
      ["whatsapp", "ready"],
    ]);
  });

  it("tells admins when the phone must pair again (LOGOUT), with the reason", async () => {
    const told = nextEvent(
      admin,
      "channel:status",
      (s) => s.state === "needs_pairing" && s.reason === "LOGOUT",
    );
    phone.client.fire("disconnected", "LOGOUT");
    const status = await told;
    expect(status.qrImage).to.equal(null); // the new client shows a new QR when it has one
  });

  it("an admin asks for a pairing code for the library's number: the bot asks WhatsApp, admins see the code (audited)", async () => {
    const waiting = await phone.initialized(2); // the client after the LOGOUT
    waiting.fire("qr", "2@waiting-to-pair");
    await nextEvent(admin, "channel:status", (s) => s.qrImage !== null);
    expect(await request(admin, "channel:pair", { channel: "whatsapp", phone: "0812" })).to.deep.equal({
      ok: false,
      error: "invalid",
    });
    const coded = nextEvent(admin, "channel:status", (s) => s.pairingCode === "ABCD1234");
    expect(
      await request(admin, "channel:pair", { channel: "whatsapp", phone: "+62 812-3456-7890" }),
    ).to.deep.equal({
      ok: true,
    });
    const status = await coded;
    expect(status.state).to.equal("needs_pairing");
    expect(waiting.pairingCodeFor).to.equal("6281234567890");
    const audited = await sql<{ actor_kind: string; detail: Record<string, unknown> }>(
      `SELECT actor_kind, detail FROM audit_event WHERE action = 'channel.pair_requested'`,
    );
    expect(audited).to.deep.equal([
      { actor_kind: "staff", detail: { channel: "whatsapp", phone: "6281234567890" } },
    ]);
  });

  it("refuses the channel list and pairing to librarians, and never pushes them the QR", async () => {
    const refused = await request(librarian, "channel:list");
    expect(refused).to.deep.equal({ ok: false, error: "forbidden" });
    expect(
      await request(librarian, "channel:pair", { channel: "whatsapp", phone: "6281234567890" }),
    ).to.deep.equal({
      ok: false,
      error: "forbidden",
    });
    // The pushes above were emitted before this request's answer: had they reached the
    // librarian, they would be here by now.
    await request(librarian, "staff:list");
    expect(librarianSaw).to.deep.equal([]);
  });
});
