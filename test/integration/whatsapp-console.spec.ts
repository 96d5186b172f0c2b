/**
 * WhatsApp pairing on the console: the bot's session state (a fake client's `qr`, `ready`,
 * `disconnected`) reaches admins live over Socket.IO through Redis, the QR drawn as an image;
 * librarians neither get it nor may ask for it.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { whatsappChannel } from "../../bot/channels/whatsapp";
import { FakeWhatsApp } from "../helpers/fake-whatsapp";
import { closeSql, startTestApp } from "../helpers/app";
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

  it("refuses the channel list to librarians, and never pushes them the QR", async () => {
    const refused = await request(librarian, "channel:list");
    expect(refused).to.deep.equal({ ok: false, error: "forbidden" });
    // The pushes above were emitted before this request's answer: had they reached the
    // librarian, they would be here by now.
    await request(librarian, "staff:list");
    expect(librarianSaw).to.deep.equal([]);
  });
});
