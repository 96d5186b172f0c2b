/**
 * Internal errors reach clients as codes, their details only the log: `/healthz` (which anyone may
 * ask), the Socket.IO handshake, and the patron panel's loans (which every staff role sees).
 */
import { expect } from "chai";
import type { App } from "../../main";
import { DemoLibrary } from "../../shared/library/demo";
import type { Loan } from "../../shared/library/port";
import type { ConversationDetail } from "../../web/console/events";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, startTestApp } from "../helpers/app";
import { addStaff, connect, login, nextEvent, request } from "../helpers/console";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");
const DRIVER_SECRET = "Access denied for user 'pustaka_relay'@'10.1.2.3' (using password: YES)";

/** The demo library, except that its loans fail the way a real SLiMS connection does. */
class FailingLoansLibrary extends DemoLibrary {
  override async currentLoans(): Promise<Loan[]> {
    throw new Error(DRIVER_SECRET);
  }
}

describe("internal errors reach clients as codes", function () {
  after(closeSql);

  it("/healthz: a failed check says unreachable, not the driver's message", async () => {
    const { app } = await startTestApp(undefined, { roles: ["web"] });
    try {
      const url = `${app.web!.url}/healthz`;
      app.redis.disconnect();
      const noRedis = await (await fetch(url)).text();
      expect(JSON.parse(noRedis).checks.redis).to.deep.equal({ ok: false, error: "unreachable" });
      await app.dataSource.destroy();
      const res = await fetch(url);
      const text = await res.text();
      expect(res.status).to.equal(503);
      expect(JSON.parse(text).checks.database).to.deep.equal({ ok: false, error: "unreachable" });
      expect(text).not.to.match(/closed|terminat|pool|ECONN|postgres/i);
    } finally {
      await app.close();
    }
  });

  it("Socket.IO handshake: a database failure is 'unavailable', with no detail", async () => {
    const { app } = await startTestApp(undefined, { roles: ["web"] });
    try {
      await app.dataSource.destroy();
      const error = await connect(app.web!.url, { cookie: "pustaka_session=some-token" }).then(
        (s) => {
          s.close();
          return null;
        },
        (err: Error) => err,
      );
      expect(error?.message).to.equal("unavailable");
    } finally {
      await app.close();
    }
  });

  describe("the patron panel", () => {
    let fake: FakeTelegram;
    let app: App;
    before(async () => {
      fake = await FakeTelegram.start();
      ({ app } = await startTestApp(fake, {
        now: () => MONDAY_MORNING,
        library: new FailingLoansLibrary({ timeZone: "Asia/Jakarta" }),
      }));
    });
    after(async () => {
      await app?.close();
      await fake?.close();
    });

    it("loans that cannot be read are 'unavailable' to the page, not the library system's error", async () => {
      const staff = await addStaff(app, "librarian");
      const { cookie } = await login(app.web!.url, staff.username);
      const socket = await connect(app.web!.url, { cookie });
      try {
        const waiting = nextEvent(socket, "conversation:changed", (c) => c.state === "waiting");
        // A chat id no other spec uses: the run shares one database, and this conversation stays assigned.
        fake.sendText(7_700_101, "/pustakawan", { first_name: "Patron" });
        const conversation = await waiting;
        expect((await request(socket, "conversation:claim", conversation.id)).ok).to.equal(true);
        const verified = await request(socket, "patron:verify", {
          conversationId: conversation.id,
          memberId: "2021110001",
        });
        expect(verified).to.deep.equal({ ok: true });
        const detail = await request<ConversationDetail>(socket, "conversation:open", conversation.id);
        if (!detail.ok) throw new Error("open failed");
        expect(detail.patron.loans).to.equal(null);
        expect(detail.patron.loansError).to.equal("unavailable");
        expect(JSON.stringify(detail)).not.to.contain("Access denied");
      } finally {
        socket.close();
      }
    });
  });
});
