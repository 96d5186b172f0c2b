/**
 * A renewal by chat leaves SLiMS's tables as SLiMS 9's own Extend would, field by field: the
 * table of cases in test/helpers/slims-extend-cases.ts (each citing the SLiMS function it
 * mirrors) run through SlimsLibrary against a real MariaDB SLiMS database, as the
 * least-privilege account. Every timestamp is the library's wall clock (PHP `date()` in SLiMS's
 * zone), never the database server's NOW().
 */
import { expect } from "chai";
import { SlimsLibrary, type SlimsLibraryOptions } from "../../shared/library/slims";
import { timeZoneMismatch } from "../../shared/library/time-zone-check";
import { overdueFineDescription } from "../../shared/library/renewal-rules";
import { SlimsFixture } from "../helpers/slims-fixture";
import type { SlimsVersion } from "../helpers/slims-schema";
import { EXTEND_CASES, TODAY, type ExtendCase } from "../helpers/slims-extend-cases";

const MEMBER_TYPE = 2;
/** 10:15:30 in Jakarta (UTC+7) on `day`. */
const jakartaMorning = (day: string) => new Date(`${day}T03:15:30Z`);

for (const version of ["9", "8"] as const satisfies readonly SlimsVersion[]) {
  describe(`SLiMS ${version} Extend fidelity (real MariaDB, the installer's tables)`, function () {
    let fx: SlimsFixture;
    let open: SlimsLibrary[] = [];

    function library(options: Partial<Omit<SlimsLibraryOptions, "url">> = {}): SlimsLibrary {
      const lib = new SlimsLibrary({ url: fx.relayUrl, timeZone: "Asia/Jakarta", ...options });
      open.push(lib);
      return lib;
    }

    before(async () => {
      fx = await SlimsFixture.create("MyISAM", { version });
    });
    after(async () => {
      await fx?.cleanup();
    });
    beforeEach(async () => {
      await fx.reset();
    });
    afterEach(async () => {
      await Promise.all(open.map((lib) => lib.close()));
      open = [];
    });

    /** Seeds the case; returns the member, the loan and its copy. */
    async function seed(c: ExtendCase) {
      await fx.memberType({
        memberTypeId: MEMBER_TYPE,
        loanPeriod: 7,
        renewLimit: 2,
        finePerDay: 0,
        graceDays: 0,
        ...c.memberType,
      });
      const ruleIds = new Map<string, number>();
      for (const r of c.rules ?? [])
        ruleIds.set(r.key, await fx.loanRule({ memberTypeId: MEMBER_TYPE, ...r }));
      for (const h of c.holidays ?? []) await fx.holiday(h.dayname, h.date ?? null);
      if (c.ignoreHolidaysFineCalc !== undefined)
        await fx.setting("ignore_holidays_fine_calc", c.ignoreHolidaysFineCalc ? "b:1;" : "b:0;");
      const memberId = await fx.member({
        memberTypeId: MEMBER_TYPE,
        name: "Siti Rahmawati",
        ...(c.expireDate ? { expireDate: c.expireDate } : {}),
      });
      const loan = await fx.loan({
        memberId,
        dueDate: c.loan.dueDate,
        loanDate: "2025-05-28",
        renewed: c.loan.renewed ?? 0,
        loanRulesId: c.loan.rule ? ruleIds.get(c.loan.rule)! : 0,
        collTypeId: c.loan.collTypeId ?? 1,
        ...(c.loan.returnDate ? { returnDate: c.loan.returnDate } : {}),
      });
      if (c.loan.reservedByOther) {
        const other = await fx.member({ memberTypeId: MEMBER_TYPE });
        await fx.reserve(other, loan.itemCode, loan.biblioId);
      }
      return { memberId, loan };
    }

    for (const c of EXTEND_CASES) {
      it(`${c.name} [${c.mirrors}]`, async () => {
        const day = c.today ?? TODAY;
        const { memberId, loan } = await seed(c);
        const before = await fx.loanRow(loan.loanId);
        const result = await library({ clock: () => jakartaMorning(day) }).renew(memberId, loan.loanId);

        if ("refused" in c.expected) {
          expect(result).to.deep.include({ ok: false, reason: c.expected.refused });
          expect(await fx.loanRow(loan.loanId)).to.deep.equal(before);
          expect(await fx.finesOf(memberId)).to.deep.equal([]);
          expect(await fx.logsOf(memberId)).to.deep.equal([]);
          return;
        }
        expect(result).to.deep.include({ ok: true, newDueDate: c.expected.dueDate });
        const after = await fx.loanRow(loan.loanId);
        // extendItemLoan: renewed+1, the new due date, is_return back to 0; returnItem: return_date
        // and last_update = today, date('Y-m-d H:i:s'). Nothing else of the row changes.
        expect(after).to.deep.equal({
          ...before,
          renewed: (c.loan.renewed ?? 0) + 1,
          due_date: c.expected.dueDate,
          is_return: 0,
          return_date: day,
          last_update: `${day} 10:15:30`,
        });
        expect(await fx.finesOf(memberId)).to.deep.equal(
          c.expected.fine === null
            ? []
            : [
                {
                  fines_date: day,
                  debet: c.expected.fine,
                  credit: 0,
                  description: overdueFineDescription(loan.itemCode),
                },
              ],
        );
        const logs = await fx.logsOf(memberId);
        expect(logs).to.have.length(1);
        expect(logs[0]).to.deep.include({
          log_type: "member",
          id: memberId,
          log_location: "circulation",
          // SLiMS 9.3+ files it under Loan / Extended; SLiMS 8 has no such columns (docs/slims.md §7).
          ...(version === "9" ? { sub_module: "Loan", action: "Extended" } : {}),
          log_date: `${day} 10:15:30`,
        });
        expect(logs[0]!.log_msg).to.contain(loan.itemCode);
        if (version === "9") {
          // SLiMS 9's update trigger copies renewed, is_return, is_lent and return_date — not due_date.
          expect(await fx.loanHistory(loan.loanId)).to.deep.include({
            renewed: (c.loan.renewed ?? 0) + 1,
            is_return: 0,
            is_lent: 1,
            return_date: day,
            due_date: c.loan.dueDate,
          });
        }
      });
    }

    describe("the library's wall clock, not the database's", () => {
      it("just after midnight in Jakarta (still yesterday in UTC) the renewal is dated today, Jakarta time", async () => {
        await fx.memberType({ memberTypeId: MEMBER_TYPE, finePerDay: 500 });
        const memberId = await fx.member({ memberTypeId: MEMBER_TYPE });
        const loan = await fx.loan({ memberId, dueDate: "2025-06-09" });
        // 2025-06-10 17:30:05 UTC = 2025-06-11 00:30:05 in Jakarta.
        const lib = library({ clock: () => new Date("2025-06-10T17:30:05Z") });
        expect(await lib.renew(memberId, loan.loanId)).to.deep.include({ ok: true, overdueDays: 2 });
        expect(await fx.loanRow(loan.loanId)).to.deep.include({
          return_date: "2025-06-11",
          due_date: "2025-06-18",
          last_update: "2025-06-11 00:30:05",
        });
        expect((await fx.finesOf(memberId)).map((f) => [f.fines_date, f.debet])).to.deep.equal([
          ["2025-06-11", 1000],
        ]);
        expect((await fx.logsOf(memberId))[0]).to.deep.include({ log_date: "2025-06-11 00:30:05" });
      });

      it("a renewal's `now` (the patron's message) is its moment, whatever the library's clock says", async () => {
        await fx.memberType({ memberTypeId: MEMBER_TYPE });
        const memberId = await fx.member({ memberTypeId: MEMBER_TYPE });
        const loan = await fx.loan({ memberId, dueDate: "2025-06-13" });
        const lib = library({ clock: () => new Date("2031-01-01T00:00:00Z") });
        await lib.renew(memberId, loan.loanId, { now: new Date("2025-06-11T08:00:00Z") });
        expect(await fx.loanRow(loan.loanId)).to.deep.include({
          return_date: "2025-06-11",
          last_update: "2025-06-11 15:00:00",
        });
        expect((await fx.logsOf(memberId))[0]).to.deep.include({ log_date: "2025-06-11 15:00:00" });
      });

      it("another zone's library writes its own wall clock", async () => {
        await fx.memberType({ memberTypeId: MEMBER_TYPE });
        const memberId = await fx.member({ memberTypeId: MEMBER_TYPE });
        const loan = await fx.loan({ memberId, dueDate: "2025-06-13" });
        const lib = library({ timeZone: "Asia/Jayapura", clock: () => new Date("2025-06-11T08:00:00Z") });
        await lib.renew(memberId, loan.loanId);
        expect(await fx.loanRow(loan.loanId)).to.deep.include({ last_update: "2025-06-11 17:00:00" });
      });
    });

    describe("SLiMS's own timezone setting", () => {
      it("unset: SLiMS's default Asia/Jakarta, so the default LIBRARY_TIMEZONE raises no warning", async () => {
        const lib = library();
        expect(await lib.timeZoneSetting()).to.equal("Asia/Jakarta");
        expect(await timeZoneMismatch(lib, "Asia/Jakarta")).to.equal(null);
      });

      it("saved by System → Settings (PHP-serialised): read as written; a different LIBRARY_TIMEZONE is named in the warning", async () => {
        await fx.setting("timezone", 's:13:"Asia/Makassar";');
        const lib = library();
        expect(await lib.timeZoneSetting()).to.equal("Asia/Makassar");
        const warning = await timeZoneMismatch(lib, "Asia/Jakarta");
        expect(warning).to.contain("LIBRARY_TIMEZONE is Asia/Jakarta");
        expect(warning).to.contain("timezone setting is Asia/Makassar");
        expect(await timeZoneMismatch(lib, "Asia/Makassar")).to.equal(null);
      });
    });
  });
}
