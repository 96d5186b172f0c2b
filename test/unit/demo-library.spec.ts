import { expect } from "chai";
import { addDays, isHoliday, weekdayOf } from "../../shared/time/calendar";
import { DemoLibrary } from "../../shared/library/demo";
import { DEMO_MEMBERS, DEMO_PASSWORD } from "../../shared/library/demo-seed";
import type { Loan } from "../../shared/library/port";

const ZONE = "Asia/Jakarta";
const TODAY = "2025-06-11"; // a Wednesday
const [SITI, BUDI, RATNA, ANDI] = DEMO_MEMBERS.map((m) => m.memberId) as [string, string, string, string];

function byTitle<T extends Loan>(loans: T[], title: string): T {
  const loan = loans.find((l) => l.title.startsWith(title));
  if (!loan) throw new Error(`no loan "${title}"`);
  return loan;
}

describe("DemoLibrary", () => {
  let demo: DemoLibrary;

  beforeEach(() => {
    demo = new DemoLibrary({ timeZone: ZONE, seedDate: TODAY });
  });

  afterEach(async () => {
    await demo.close();
  });

  it("exports its members for the README: 4 members with phones, one without password", () => {
    expect(DEMO_MEMBERS).to.have.length(4);
    expect(DEMO_MEMBERS.map((m) => m.phone)).to.deep.equal([
      "081234567801",
      "081234567802",
      "081234567803",
      "081234567804",
    ]);
    expect(DEMO_MEMBERS.filter((m) => m.password === null)).to.have.length(1);
  });

  it("finds members by phone in any notation, never by a fragment", async () => {
    for (const m of DEMO_MEMBERS) {
      expect((await demo.findMembersByPhone(m.phone)).map((x) => x.memberId)).to.deep.equal([m.memberId]);
    }
    expect((await demo.findMembersByPhone("+62 812-3456-7802")).map((m) => m.memberId)).to.deep.equal([BUDI]);
    expect((await demo.findMembersByPhone("0274 512345")).map((m) => m.memberId)).to.deep.equal([BUDI]);
    expect(await demo.findMembersByPhone("4567801")).to.deep.equal([]);
  });

  it("verifies passwords by SLiMS's rules (bcrypt $2y$, legacy MD5, none)", async () => {
    expect(await demo.verifyPassword(SITI, DEMO_PASSWORD)).to.deep.include({ ok: true });
    expect(await demo.verifyPassword(ANDI, DEMO_PASSWORD)).to.deep.include({ ok: true }); // MD5
    expect(await demo.verifyPassword(SITI, "salah")).to.deep.equal({ ok: false, reason: "wrong_password" });
    expect(await demo.verifyPassword(RATNA, "")).to.deep.equal({ ok: false, reason: "no_password" });
    expect(await demo.verifyPassword("0000", DEMO_PASSWORD)).to.deep.equal({
      ok: false,
      reason: "no_member",
    });
    const ok = await demo.verifyPassword(SITI, DEMO_PASSWORD);
    expect(ok.ok && Object.keys(ok.member)).to.not.include("mpasswd");
  });

  it("has a loan due soon, and renews it once a day", async () => {
    const soon = (await demo.currentLoans(SITI, TODAY))[0]!;
    expect(soon).to.deep.include({ dueDate: addDays(TODAY, 2), daysLate: 0, fineEstimate: 0 });
    const result = await demo.renew(SITI, soon.loanId, { today: TODAY });
    expect(result).to.deep.include({
      ok: true,
      oldDueDate: addDays(TODAY, 2),
      newDueDate: "2025-06-18",
      renewed: 1,
    });
    expect(await demo.renew(SITI, soon.loanId, { today: TODAY })).to.deep.include({
      ok: false,
      reason: "renewed_today",
    });
    const after = (await demo.currentLoans(SITI, TODAY)).find((l) => l.loanId === soon.loanId);
    expect(after).to.deep.include({ dueDate: "2025-06-18", renewed: 1 });
  });

  it("has an overdue loan: estimate shown, renewal charges the fine once", async () => {
    const before = await demo.fines(BUDI, TODAY);
    expect(before.balance).to.equal(2000);
    expect(before.overdueEstimate).to.equal(2500);
    const overdue = byTitle(before.loans, "Dasar-Dasar Statistika");
    expect(overdue).to.deep.include({ daysLate: 5, overdueDays: 5, finePerDay: 500 });
    expect(await demo.renew(BUDI, overdue.loanId, { today: TODAY })).to.deep.include({
      ok: true,
      overdueDays: 5,
      fineCharged: 2500,
      fineWaived: 0,
    });
    expect(await demo.fines(BUDI, TODAY)).to.deep.include({ balance: 4500, overdueEstimate: 0 });
    expect(demo.systemLog.map((l) => l.memberId)).to.deep.equal([BUDI]);
  });

  it("waives the fine when the policy says so", async () => {
    const waiving = new DemoLibrary({ timeZone: ZONE, seedDate: TODAY, waiveFines: true });
    const overdue = byTitle(await waiving.currentLoans(BUDI, TODAY), "Dasar-Dasar Statistika");
    expect(await waiving.renew(BUDI, overdue.loanId, { today: TODAY })).to.deep.include({
      ok: true,
      fineCharged: 0,
      fineWaived: 2500,
    });
    expect((await waiving.fines(BUDI, TODAY)).balance).to.equal(2000);
    const strict = new DemoLibrary({ timeZone: ZONE, seedDate: TODAY, allowOverdue: false });
    expect(await strict.renew(BUDI, overdue.loanId, { today: TODAY })).to.deep.include({
      reason: "overdue_not_allowed",
    });
  });

  it("refuses the copy another member reserved, and the loan at its renewal limit", async () => {
    const siti = await demo.renewableLoans(SITI, TODAY);
    expect(byTitle(siti, "Pengantar Ekonomi Mikro")).to.deep.include({
      renewable: false,
      reason: "reserved",
    });
    expect(byTitle(siti, "Metodologi Penelitian")).to.deep.include({ renewable: true });
    const budi = await demo.renewableLoans(BUDI, TODAY);
    const limited = byTitle(budi, "Kalkulus");
    expect(limited).to.deep.include({ renewable: false, reason: "limit_reached", renewed: 1, renewLimit: 1 });
    expect(await demo.renew(BUDI, limited.loanId, { today: TODAY })).to.deep.equal({
      ok: false,
      reason: "limit_reached",
      loanId: limited.loanId,
    });
  });

  it("refuses an expired member, and another member's loan", async () => {
    const andi = await demo.currentLoans(ANDI, TODAY);
    expect(andi[0]).to.deep.include({ daysLate: 25 });
    expect(await demo.renew(ANDI, andi[0]!.loanId, { today: TODAY })).to.deep.include({
      reason: "membership_expired",
    });
    const ratnasLoan = (await demo.currentLoans(RATNA, TODAY))[0]!;
    expect(await demo.renew(SITI, ratnasLoan.loanId, { today: TODAY })).to.deep.include({
      reason: "not_on_loan",
    });
    expect(await demo.currentLoans(SITI, TODAY)).to.have.length(2);
    expect((await demo.currentLoans(SITI, TODAY)).map((l) => l.loanId)).to.not.include(ratnasLoan.loanId);
  });

  it("makes sense whatever the seed date (every weekday, around holidays)", async () => {
    const seeds = [0, 1, 2, 3, 4, 5, 6]
      .map((i) => addDays("2025-08-14", i))
      .concat(["2025-12-24", "2025-12-31"]);
    for (const seed of seeds) {
      const lib = new DemoLibrary({ timeZone: ZONE, seedDate: seed });
      const siti = await lib.renewableLoans(SITI, seed);
      const soon = byTitle(siti, "Metodologi Penelitian");
      expect(soon.renewable, seed).to.equal(true);
      expect(byTitle(siti, "Pengantar Ekonomi Mikro"), seed).to.deep.include({ reason: "reserved" });
      expect(byTitle(await lib.renewableLoans(BUDI, seed), "Kalkulus"), seed).to.deep.include({
        reason: "limit_reached",
      });
      const renewed = await lib.renew(SITI, soon.loanId, { today: seed });
      expect(renewed.ok, seed).to.equal(true);
      if (renewed.ok) {
        expect(weekdayOf(renewed.newDueDate), seed).to.not.equal("sun");
        expect(
          isHoliday(renewed.newDueDate, {
            closedWeekdays: new Set(["sun"]),
            dates: new Set([`${seed.slice(0, 4)}-08-17`, `${seed.slice(0, 4)}-12-25`]),
          }),
          seed,
        ).to.equal(false);
      }
      const overdue = byTitle(await lib.currentLoans(BUDI, seed), "Dasar-Dasar Statistika");
      expect(overdue.fineEstimate, seed).to.equal(2500);
    }
  });
});
