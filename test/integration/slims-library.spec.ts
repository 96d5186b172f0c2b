/**
 * SlimsLibrary against a real MariaDB holding the SLiMS 9 and the SLiMS 8 installer's tables
 * (test/helpers/slims-schema/), once per storage engine (SLiMS defaults to MyISAM: no
 * transactions). The library connects as a user holding only the documented GRANTs.
 * Every call passes `today` explicitly. Reference week (June 2025):
 *   Sun 8 · Mon 9 · Tue 10 · Wed 11 (TODAY) · Thu 12 · Fri 13 · Sat 14 · Sun 15 · … · Wed 18
 * One file because every case runs four times (version × engine) against the same fixture and week.
 */
import { expect } from "chai";
import bcrypt from "bcryptjs";
import { createHash } from "node:crypto";
import mysql from "mysql2/promise";
import type { RenewalIntent, RenewalJournal } from "../../shared/library/port";
import { SlimsLibrary, type SlimsLibraryOptions } from "../../shared/library/slims";
import { SlimsFixture, type Engine } from "../helpers/slims-fixture";
import { SLIMS_VERSIONS } from "../helpers/slims-schema";

const TODAY = "2025-06-11";

const ENGINES = ["InnoDB", "MyISAM"] as const satisfies readonly Engine[];
const SCHEMAS = SLIMS_VERSIONS.flatMap((version) => ENGINES.map((engine) => ({ version, engine })));

for (const { version, engine } of SCHEMAS) {
  describe(`SlimsLibrary on SLiMS ${version}'s tables in ${engine}`, function () {
    let fx: SlimsFixture;
    let open: SlimsLibrary[] = [];

    function library(options: Partial<Omit<SlimsLibraryOptions, "url">> = {}): SlimsLibrary {
      const lib = new SlimsLibrary({ url: fx.relayUrl, timeZone: "Asia/Jakarta", ...options });
      open.push(lib);
      return lib;
    }

    before(async () => {
      fx = await SlimsFixture.create(engine, { version });
    });

    after(async () => {
      await fx?.cleanup();
    });

    beforeEach(async () => {
      await fx.reset();
      // "Standard": 7 days, 2 renewals, no fine, no grace.
      await fx.memberType({ memberTypeId: 1, name: "Standard", loanPeriod: 7, renewLimit: 2 });
    });

    afterEach(async () => {
      await Promise.all(open.map((lib) => lib.close()));
      open = [];
    });

    it(`has SLiMS ${version}'s installer schema: its tables in ${engine}, utf8 tables, its triggers`, async () => {
      const installed = await fx.installed();
      // The database default is the installer's; every table still says utf8 (utf8mb3).
      expect(installed.databaseCollation).to.equal(version === "9" ? "utf8mb4_bin" : "utf8mb3_unicode_ci");
      expect(installed.tables.map((t) => t.name)).to.deep.equal([...fx.schema.tableNames].sort());
      for (const table of installed.tables) {
        expect(table, table.name).to.deep.include({ engine, collation: "utf8mb3_unicode_ci" });
      }
      if (version === "9") {
        expect(installed.triggers).to.deep.equal([
          "delete_loan_history: AFTER DELETE ON loan",
          "insert_loan_history: AFTER INSERT ON loan",
          "update_loan_history: AFTER UPDATE ON loan",
        ]);
        expect(await fx.columnsOf("system_log")).to.include.members(["sub_module", "action"]);
      } else {
        expect(installed.triggers).to.deep.equal([]);
        expect(installed.tables.map((t) => t.name)).not.to.include("loan_history");
        expect(await fx.columnsOf("system_log")).not.to.include.members(["sub_module"]);
      }
    });

    describe("bounded queries", () => {
      it("a query stalled on a table lock fails within its timeout, and the next one works", async () => {
        const a = await fx.member();
        await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        const lib = library({ queryTimeoutMs: 400 });
        expect(await lib.currentLoans(a, TODAY)).to.have.length(1); // connected, warm
        // A librarian's long report, or a crashed MyISAM repair: the table is locked, reads wait.
        const locker = await fx.admin.getConnection();
        try {
          await locker.query(`LOCK TABLES loan WRITE, item WRITE, biblio WRITE`);
          const started = Date.now();
          let failure: unknown;
          await lib.currentLoans(a, TODAY).catch((err) => (failure = err));
          expect(failure).to.have.property("code", "DATABASE_UNAVAILABLE");
          expect(Date.now() - started).to.be.below(2000);
        } finally {
          await locker.query(`UNLOCK TABLES`);
          locker.release();
        }
        expect(await lib.currentLoans(a, TODAY)).to.have.length(1);
      });
    });

    describe("reading", () => {
      it("reuses the holiday table for holidayCacheMs, reads it again after; 0 reads every time", async () => {
        await fx.holiday("sun");
        let now = Date.parse("2025-06-11T03:00:00Z");
        const clock = () => new Date(now);
        const cached = library({ holidayCacheMs: 60_000, clock });
        const fresh = library({ holidayCacheMs: 0, clock });
        expect([...(await cached.holidays()).closedWeekdays]).to.deep.equal(["sun"]);
        await fx.holiday("sat");
        expect([...(await cached.holidays()).closedWeekdays], "within the minute").to.deep.equal(["sun"]);
        expect([...(await fresh.holidays()).closedWeekdays].sort()).to.deep.equal(["sat", "sun"]);
        now += 60_001;
        expect([...(await cached.holidays()).closedWeekdays].sort(), "after it").to.deep.equal([
          "sat",
          "sun",
        ]);
      });

      it("lists the member's open loans with titles (SLiMS's utf8: any BMP script), earliest due first", async () => {
        const a = await fx.member({ name: "Siti Rahmawati" });
        const later = await fx.loan({
          memberId: a,
          dueDate: "2025-06-20",
          title: "Hukum Tata Negara Indonesia",
        });
        const sooner = await fx.loan({
          memberId: a,
          dueDate: "2025-06-13",
          title: "Aksara Jawa ꦲꦏ꧀ꦱꦫ dan العربية",
        });
        await fx.loan({ memberId: a, dueDate: "2025-06-01", isReturn: 1, returnDate: "2025-06-02" }); // returned
        const loans = await library().currentLoans(a, TODAY);
        expect(loans.map((l) => l.loanId)).to.deep.equal([sooner.loanId, later.loanId]);
        expect(loans[0]).to.deep.include({
          itemCode: sooner.itemCode,
          title: "Aksara Jawa ꦲꦏ꧀ꦱꦫ dan العربية",
          loanDate: "2025-01-01",
          dueDate: "2025-06-13",
          renewed: 0,
          renewLimit: 2,
          daysLate: 0,
          overdueDays: 0,
          fineEstimate: 0,
        });
      });

      it("a title holds no emoji in SLiMS's utf8 (stored as '?'), but does in converted tables", async () => {
        const a = await fx.member();
        // SLiMS itself writes this title as 'Buku ?' (4-byte characters do not fit utf8mb3).
        await fx.loan({ memberId: a, dueDate: "2025-06-13", title: "Buku 📚" });
        expect((await library().currentLoans(a, TODAY))[0]?.title).to.equal("Buku ?");
        // Libraries that converted their tables to utf8mb4 (a common fix) get the emoji back. Not
        // biblio alone in SLiMS 9: its loan_history trigger (strict) refuses to copy such a title.
        const tables = version === "9" ? ["biblio", "loan_history"] : ["biblio"];
        const convert = (to: string) =>
          Promise.all(tables.map((t) => fx.exec(`ALTER TABLE ${t} CONVERT TO CHARACTER SET ${to}`)));
        await convert("utf8mb4 COLLATE utf8mb4_unicode_ci");
        try {
          const b = await fx.member();
          await fx.loan({ memberId: b, dueDate: "2025-06-13", title: "Buku 📚" });
          expect((await library().currentLoans(b, TODAY))[0]?.title).to.equal("Buku 📚");
        } finally {
          await convert("utf8 COLLATE utf8_unicode_ci");
        }
      });

      it("reads a member, and nothing for an unknown one", async () => {
        const a = await fx.member({
          name: "Budi Santoso",
          email: "budi@example.ac.id",
          phone: "0812-3456-7802",
        });
        const lib = library();
        expect(await lib.getMember(a)).to.deep.equal({
          memberId: a,
          name: "Budi Santoso",
          memberTypeId: 1,
          expireDate: "2030-12-31",
          isPending: false,
          hasPassword: false,
          email: "budi@example.ac.id",
          phone: "0812-3456-7802",
        });
        expect(await lib.getMember("NOPE")).to.equal(null);
        expect(await lib.currentLoans("NOPE", TODAY)).to.deep.equal([]);
      });

      it("extra unknown columns and legacy zero dates do not break reads or renewal", async () => {
        await fx.exec(`ALTER TABLE member ADD COLUMN plugin_nim_lama varchar(20) NOT NULL DEFAULT 'x'`);
        await fx.exec(`ALTER TABLE loan ADD COLUMN plugin_note text NULL`);
        await fx.exec(`ALTER TABLE biblio ADD COLUMN plugin_edisi_lama varchar(200) NULL`);
        const a = await fx.member({ birthDate: "0000-00-00" });
        const loan = await fx.loan({
          memberId: a,
          dueDate: "2025-06-13",
          loanDate: "0000-00-00",
          returnDate: "0000-00-00",
        });
        await fx.holiday("wed", "0000-00-00"); // a zero-dated holiday row matches no day
        const lib = library();
        const [read] = await lib.currentLoans(a, TODAY);
        expect(read).to.deep.include({ loanId: loan.loanId, loanDate: null, dueDate: "2025-06-13" });
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          ok: true,
          newDueDate: "2025-06-18",
        });

        const expiredLegacy = await fx.member({ expireDate: "0000-00-00" });
        const other = await fx.loan({ memberId: expiredLegacy, dueDate: "2025-06-13" });
        expect((await lib.getMember(expiredLegacy))?.expireDate).to.equal(null);
        expect(await lib.renew(expiredLegacy, other.loanId, { today: TODAY })).to.deep.equal({
          ok: false,
          reason: "membership_expired",
          loanId: other.loanId,
        });
      });

      it("a loan whose member_id differs only in letter case is the member's (as MySQL compares)", async () => {
        const a = await fx.member({ memberId: "NIM2021A" });
        const loan = await fx.loan({ memberId: "nim2021a", dueDate: "2025-06-13" });
        const lib = library();
        expect((await lib.currentLoans(a, TODAY)).map((l) => l.loanId)).to.deep.equal([loan.loanId]);
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.include({ ok: true });
      });

      it("fines: the stored balance (debet − credit) plus an estimate for overdue loans", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 500 });
        const a = await fx.member({ memberTypeId: 2 });
        const b = await fx.member({ memberTypeId: 2 });
        await fx.fine(a, 3000, 1000);
        await fx.fine(a, 1500);
        await fx.fine(b, 9999);
        await fx.loan({ memberId: a, dueDate: "2025-06-08" }); // 3 days late
        await fx.loan({ memberId: a, dueDate: "2025-06-20" });
        const fines = await library().fines(a, TODAY);
        expect(fines.balance).to.equal(3500);
        expect(fines.overdueEstimate).to.equal(1500);
        expect(fines.loans.map((l) => l.daysLate)).to.deep.equal([3]);
      });

      it("renewableLoans says which loans can be renewed and why not, writing nothing", async () => {
        const a = await fx.member();
        const b = await fx.member();
        const fine = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        const atLimit = await fx.loan({ memberId: a, dueDate: "2025-06-14", renewed: 2 });
        const reserved = await fx.loan({ memberId: a, dueDate: "2025-06-15" });
        await fx.reserve(b, reserved.itemCode, reserved.biblioId);
        const list = await library().renewableLoans(a, TODAY);
        expect(list.map((l) => [l.loanId, l.renewable, "reason" in l ? l.reason : null])).to.deep.equal([
          [fine.loanId, true, null],
          [atLimit.loanId, false, "limit_reached"],
          [reserved.loanId, false, "reserved"],
        ]);
        expect((await fx.loanRow(fine.loanId)).renewed).to.equal(0);
      });
    });

    describe("renewal due date", () => {
      it("starts from today + period (not the old due date)", async () => {
        const a = await fx.member();
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        const result = await library().renew(a, loan.loanId, { today: TODAY });
        expect(result).to.deep.include({
          ok: true,
          loanId: loan.loanId,
          itemCode: loan.itemCode,
          oldDueDate: "2025-06-13",
          newDueDate: "2025-06-18",
          renewed: 1,
          overdueDays: 0,
          fineCharged: 0,
          fineWaived: 0,
        });
        const row = await fx.loanRow(loan.loanId);
        expect(row).to.deep.include({
          due_date: "2025-06-18",
          renewed: 1,
          is_return: 0,
          is_lent: 1,
          return_date: TODAY,
        });
        expect(row.last_update).to.be.a("string");
      });

      it("skips a weekly closing day", async () => {
        await fx.memberType({ memberTypeId: 2, loanPeriod: 4 });
        await fx.holiday("sun");
        const a = await fx.member({ memberTypeId: 2 });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-12" });
        expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          newDueDate: "2025-06-16",
        });
      });

      it("reads a closing day written as a full name (Sunday)", async () => {
        await fx.memberType({ memberTypeId: 2, loanPeriod: 4 });
        await fx.holiday("Sunday");
        const a = await fx.member({ memberTypeId: 2 });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-12" });
        expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          newDueDate: "2025-06-16",
        });
      });

      it("skips a dated holiday, and a holiday followed by a closing day", async () => {
        await fx.holiday("wed", "2025-06-18", "Libur nasional");
        const a = await fx.member();
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-12" });
        expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          newDueDate: "2025-06-19",
        });

        await fx.memberType({ memberTypeId: 2, loanPeriod: 3 });
        await fx.holiday("sun");
        await fx.holiday("sat", "2025-06-14");
        await fx.holiday("mon", "2025-06-16");
        const b = await fx.member({ memberTypeId: 2 });
        const other = await fx.loan({ memberId: b, dueDate: "2025-06-12" });
        expect(await library().renew(b, other.loanId, { today: TODAY })).to.deep.include({
          newDueDate: "2025-06-17",
        });
      });

      it("skips a near holiday in a library with 500 dated holidays (SLiMS loads only 365 of them)", async () => {
        // Nine and a half years of weekly dated closures, then next Wednesday's holiday, entered last.
        const older = Array.from({ length: 499 }, (_, k) => isoDaysBefore("2025-06-04", 7 * k));
        await fx.datedHolidays([...older, "2025-06-18"]);
        expect(
          await fx.query(`SELECT holiday_id FROM holiday WHERE holiday_date IS NOT NULL`),
        ).to.have.length(500);
        const a = await fx.member();
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-12" });
        expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          newDueDate: "2025-06-19",
        });
      });

      it("is capped at the membership expiry date, which is not holiday-adjusted", async () => {
        await fx.holiday("sat");
        const a = await fx.member({ expireDate: "2025-06-14" }); // a Saturday
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-12" });
        expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          newDueDate: "2025-06-14",
        });
        expect((await fx.loanRow(loan.loanId)).due_date).to.equal("2025-06-14");
      });

      it("takes the period from the loan's own rule (loan_rules_id)", async () => {
        const rule = await fx.loanRule({ memberTypeId: 1, collTypeId: 9, loanPeriod: 3, renewLimit: 2 });
        const a = await fx.member();
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-12", loanRulesId: rule, collTypeId: 9 });
        expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          newDueDate: "2025-06-14",
        });
      });
    });

    describe("renewal refusals", () => {
      it("a reservation of the same copy by another member refuses; another copy of the title does not", async () => {
        const a = await fx.member();
        const b = await fx.member();
        const lib = library();
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-13", title: "Pengantar Ekonomi Mikro" });
        const otherCopy = await fx.copy({ biblioId: loan.biblioId });
        await fx.reserve(b, otherCopy.itemCode, loan.biblioId);
        await fx.reserve(a, loan.itemCode, loan.biblioId); // the borrower's own reservation never blocks
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.include({ ok: true });

        const second = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        await fx.reserve(b, second.itemCode, second.biblioId);
        const before = await fx.loanRow(second.loanId);
        expect(await lib.renew(a, second.loanId, { today: TODAY })).to.deep.equal({
          ok: false,
          reason: "reserved",
          loanId: second.loanId,
        });
        expect(await fx.loanRow(second.loanId)).to.deep.equal(before);
      });

      it("a second renewal on the same day is refused", async () => {
        const a = await fx.member();
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        const lib = library();
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.include({ ok: true, renewed: 1 });
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.equal({
          ok: false,
          reason: "renewed_today",
          loanId: loan.loanId,
        });
        expect((await fx.loanRow(loan.loanId)).renewed).to.equal(1);
        // A renewal made today at the desk (return_date = today) counts too; tomorrow it may go again.
        expect(await lib.renew(a, loan.loanId, { today: "2025-06-12" })).to.deep.include({
          ok: true,
          renewed: 2,
        });
      });

      it("the renewal limit comes from the member type", async () => {
        await fx.memberType({ memberTypeId: 2, renewLimit: 1 });
        const a = await fx.member({ memberTypeId: 2 });
        const fresh = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        const used = await fx.loan({ memberId: a, dueDate: "2025-06-13", renewed: 1 });
        const lib = library();
        expect(await lib.renew(a, used.loanId, { today: TODAY })).to.deep.include({
          ok: false,
          reason: "limit_reached",
        });
        expect(await lib.renew(a, fresh.loanId, { today: TODAY })).to.deep.include({ ok: true, renewed: 1 });
        expect((await lib.currentLoans(a, TODAY))[0]?.renewLimit).to.equal(1);
      });

      it("the renewal limit comes from the rule for member type + collection type", async () => {
        await fx.memberType({ memberTypeId: 2, renewLimit: 1 });
        await fx.loanRule({ memberTypeId: 2, collTypeId: 5, renewLimit: 3 });
        await fx.loanRule({ memberTypeId: 1, collTypeId: 6, renewLimit: 9 }); // another member type: ignored
        const a = await fx.member({ memberTypeId: 2 });
        const below = await fx.loan({ memberId: a, dueDate: "2025-06-13", renewed: 2, collTypeId: 5 });
        const at = await fx.loan({ memberId: a, dueDate: "2025-06-13", renewed: 3, collTypeId: 5 });
        const otherColl = await fx.loan({ memberId: a, dueDate: "2025-06-13", renewed: 1, collTypeId: 6 });
        const lib = library();
        expect(await lib.renew(a, below.loanId, { today: TODAY })).to.deep.include({ ok: true, renewed: 3 });
        expect(await lib.renew(a, at.loanId, { today: TODAY })).to.deep.include({
          ok: false,
          reason: "limit_reached",
        });
        expect(await lib.renew(a, otherColl.loanId, { today: TODAY })).to.deep.include({
          ok: false,
          reason: "limit_reached",
        });
      });

      it("an expired membership is refused (today after expire_date); the expiry day itself is not", async () => {
        const expired = await fx.member({ expireDate: "2025-06-10" });
        const lastDay = await fx.member({ expireDate: TODAY });
        const l1 = await fx.loan({ memberId: expired, dueDate: "2025-06-10" });
        const l2 = await fx.loan({ memberId: lastDay, dueDate: "2025-06-10" });
        const lib = library();
        expect(await lib.renew(expired, l1.loanId, { today: TODAY })).to.deep.include({
          ok: false,
          reason: "membership_expired",
        });
        expect(await lib.renew(lastDay, l2.loanId, { today: TODAY })).to.deep.include({
          ok: true,
          newDueDate: TODAY,
        });
      });

      it("a pending member is refused by default, renewed when the policy allows", async () => {
        const a = await fx.member({ isPending: true });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          reason: "member_pending",
        });
        expect(
          await library({ refusePendingMembers: false }).renew(a, loan.loanId, { today: TODAY }),
        ).to.deep.include({
          ok: true,
        });
      });

      it("allowOverdue=false refuses an overdue loan and still renews one that is not", async () => {
        const a = await fx.member();
        const late = await fx.loan({ memberId: a, dueDate: "2025-06-10" });
        const onTime = await fx.loan({ memberId: a, dueDate: TODAY });
        const lib = library({ allowOverdue: false });
        expect(await lib.renew(a, late.loanId, { today: TODAY })).to.deep.include({
          ok: false,
          reason: "overdue_not_allowed",
        });
        expect(await lib.renew(a, onTime.loanId, { today: TODAY })).to.deep.include({ ok: true });
        expect((await fx.loanRow(late.loanId)).renewed).to.equal(0);
      });

      it("a returned, unknown or malformed loan id is not_on_loan", async () => {
        const a = await fx.member();
        const returned = await fx.loan({
          memberId: a,
          dueDate: "2025-06-13",
          isReturn: 1,
          returnDate: "2025-06-10",
        });
        const lib = library();
        for (const id of [returned.loanId, 999999, 0, -1, 1.5]) {
          expect(await lib.renew(a, id, { today: TODAY })).to.deep.equal({
            ok: false,
            reason: "not_on_loan",
            loanId: id,
          });
        }
        expect(await lib.renew("NOPE", returned.loanId, { today: TODAY })).to.deep.include({
          reason: "not_on_loan",
        });
      });
    });

    describe("fines on renewal", () => {
      it("grace boundary (countOverdueValue): due + grace itself is charged in full; the day before is free", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 1000, graceDays: 3, renewLimit: 5 });
        const a = await fx.member({ memberTypeId: 2 });
        const inGrace = await fx.loan({ memberId: a, dueDate: "2025-06-09" }); // TODAY = due + 2
        const boundary = await fx.loan({ memberId: a, dueDate: "2025-06-08" }); // TODAY = due + 3
        const lib = library();
        const [first, second] = await lib.currentLoans(a, TODAY);
        expect(first).to.deep.include({
          loanId: boundary.loanId,
          daysLate: 3,
          overdueDays: 3,
          fineEstimate: 3000,
        });
        expect(second).to.deep.include({
          loanId: inGrace.loanId,
          daysLate: 2,
          overdueDays: 0,
          fineEstimate: 0,
        });

        expect(await lib.renew(a, inGrace.loanId, { today: TODAY })).to.deep.include({
          ok: true,
          fineCharged: 0,
        });
        expect(await fx.finesOf(a)).to.have.length(0);
        expect(await lib.renew(a, boundary.loanId, { today: TODAY })).to.deep.include({
          ok: true,
          overdueDays: 3,
          fineCharged: 3000,
        });
        expect((await fx.finesOf(a)).map((f) => f.debet)).to.deep.equal([3000]);
      });

      it("a grace period from the loan's rule counts too", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 1000, graceDays: 0 });
        const rule = await fx.loanRule({ memberTypeId: 2, collTypeId: 4, finePerDay: 200, graceDays: 3 });
        const a = await fx.member({ memberTypeId: 2 });
        const inGrace = await fx.loan({
          memberId: a,
          dueDate: "2025-06-09",
          loanRulesId: rule,
          collTypeId: 4,
        });
        const late = await fx.loan({ memberId: a, dueDate: "2025-06-07", loanRulesId: rule, collTypeId: 4 });
        const loans = await library().currentLoans(a, TODAY);
        expect(loans.find((l) => l.loanId === inGrace.loanId)).to.deep.include({
          overdueDays: 0,
          fineEstimate: 0,
        });
        expect(loans.find((l) => l.loanId === late.loanId)).to.deep.include({
          overdueDays: 4,
          finePerDay: 200,
          fineEstimate: 800,
        });
      });

      it("ignore_holidays_fine_calc on: holidays between the due date and today are not charged", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 500 });
        await fx.holiday("sun");
        await fx.holiday("tue", "2025-06-10");
        const a = await fx.member({ memberTypeId: 2 });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-06" }); // Fri → Wed: 5 days
        const lib = library();

        await fx.setting("ignore_holidays_fine_calc", "b:0;");
        expect((await lib.currentLoans(a, TODAY))[0]).to.deep.include({ overdueDays: 5, fineEstimate: 2500 });
        await fx.setting("ignore_holidays_fine_calc", 's:1:"1";');
        expect((await lib.currentLoans(a, TODAY))[0]).to.deep.include({ overdueDays: 3 });
        await fx.setting("ignore_holidays_fine_calc", "b:1;");
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          overdueDays: 3,
          fineCharged: 1500,
        });
        expect((await fx.finesOf(a)).map((f) => f.debet)).to.deep.equal([1500]);
      });

      it("an overdue renewal writes exactly one fines row and one system_log row, as SLiMS does", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 500 });
        const a = await fx.member({ memberTypeId: 2, name: "Budi Santoso" });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-04" }); // 7 days late
        const lib = library();
        expect(await lib.fines(a, TODAY)).to.deep.include({ balance: 0, overdueEstimate: 3500 });
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          ok: true,
          overdueDays: 7,
          fineCharged: 3500,
          fineWaived: 0,
          newDueDate: "2025-06-18",
        });
        expect(await fx.finesOf(a)).to.deep.equal([
          {
            fines_date: TODAY,
            debet: 3500,
            credit: 0,
            description: `Overdue fines for item ${loan.itemCode}`,
          },
        ]);
        const logs = await fx.logsOf(a);
        expect(logs).to.have.length(1);
        // SLiMS 8's system_log has no sub_module / action columns (docs/slims.md §7).
        expect(logs[0]).to.deep.equal({
          log_type: "member",
          id: a,
          log_location: "circulation",
          ...(version === "9" ? { sub_module: "Loan", action: "Extended" } : {}),
          log_msg: `Member Budi Santoso (${a}) extend loan for item ${loan.itemCode} via pustaka-relay`,
          log_date: logs[0]!.log_date,
        });
        const after = await lib.fines(a, TODAY);
        expect(after).to.deep.include({ balance: 3500, overdueEstimate: 0 });
      });

      it("waiveFines: no fines row, the waived amount is reported", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 500 });
        const a = await fx.member({ memberTypeId: 2 });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-04" });
        expect(await library({ waiveFines: true }).renew(a, loan.loanId, { today: TODAY })).to.deep.include({
          ok: true,
          fineCharged: 0,
          fineWaived: 3500,
        });
        expect(await fx.finesOf(a)).to.have.length(0);
        expect(await fx.logsOf(a)).to.have.length(1);
      });
    });

    describe("members: phone and password", () => {
      it("finds members by a normalised phone number, exact matches only", async () => {
        const a = await fx.member({ phone: "0812-3456-7801 / (022) 2500935" });
        const b = await fx.member({ phone: "+62 812 3456 7801" }); // a shared family number
        await fx.member({ phone: "0812345678012" }); // longer number with the same start
        await fx.member({ phone: "99081234567801" });
        await fx.member({ phone: null });
        const lib = library();
        for (const query of ["+6281234567801", "081234567801", "6281234567801", "0812 3456 7801"]) {
          expect(
            (await lib.findMembersByPhone(query)).map((m) => m.memberId),
            query,
          ).to.deep.equal([a, b]);
        }
        expect((await lib.findMembersByPhone("0222500935")).map((m) => m.memberId)).to.deep.equal([a]);
        expect(await lib.findMembersByPhone("34567801")).to.deep.equal([]);
        expect(await lib.findMembersByPhone("081234567899")).to.deep.equal([]);
        expect(await lib.findMembersByPhone("")).to.deep.equal([]);
      });

      it("verifies bcrypt ($2y$) and legacy MD5 passwords and never rewrites mpasswd", async () => {
        const y = "$2y$" + bcrypt.hashSync("rahasia-ꦲ", 4).slice(4);
        const md5 = createHash("md5").update("lama123").digest("hex");
        const withBcrypt = await fx.member({ mpasswd: y });
        const withMd5 = await fx.member({ mpasswd: md5 });
        const withNull = await fx.member({ mpasswd: null });
        const withEmpty = await fx.member({ mpasswd: "" });
        const lib = library();

        const ok = await lib.verifyPassword(withBcrypt, "rahasia-ꦲ");
        expect(ok.ok).to.equal(true);
        expect(ok.ok && ok.member).to.deep.include({ memberId: withBcrypt, hasPassword: true });
        expect(await lib.verifyPassword(withBcrypt, "rahasia")).to.deep.equal({
          ok: false,
          reason: "wrong_password",
        });
        expect((await lib.verifyPassword(withMd5, "lama123")).ok).to.equal(true);
        expect(await lib.verifyPassword(withMd5, "LAMA123")).to.deep.equal({
          ok: false,
          reason: "wrong_password",
        });
        expect(await lib.verifyPassword(withNull, "")).to.deep.equal({ ok: false, reason: "no_password" });
        expect(await lib.verifyPassword(withEmpty, "x")).to.deep.equal({ ok: false, reason: "no_password" });
        expect(await lib.verifyPassword("NOPE", "x")).to.deep.equal({ ok: false, reason: "no_member" });
        expect((await lib.getMember(withNull))?.hasPassword).to.equal(false);

        const stored = await fx.query(
          `SELECT member_id, mpasswd FROM member WHERE member_id IN (?, ?) ORDER BY member_id`,
          [withBcrypt, withMd5],
        );
        expect(stored.map((r) => r.mpasswd)).to.deep.equal([y, md5]);
      });
    });

    describe("isolation and concurrency", () => {
      it("never returns or renews another member's loans", async () => {
        const a = await fx.member();
        const b = await fx.member();
        const mine = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        const theirs = await fx.loan({ memberId: b, dueDate: "2025-06-05" });
        const lib = library();
        expect((await lib.currentLoans(a, TODAY)).map((l) => l.loanId)).to.deep.equal([mine.loanId]);
        expect((await lib.renewableLoans(a, TODAY)).map((l) => l.loanId)).to.deep.equal([mine.loanId]);
        expect((await lib.fines(a, TODAY)).loans).to.deep.equal([]);
        const before = await fx.loanRow(theirs.loanId);
        expect(await lib.renew(a, theirs.loanId, { today: TODAY })).to.deep.equal({
          ok: false,
          reason: "not_on_loan",
          loanId: theirs.loanId,
        });
        expect(await fx.loanRow(theirs.loanId)).to.deep.equal(before);
        expect(await fx.finesOf(b)).to.have.length(0);
        expect(await fx.logsOf(a)).to.have.length(0);
      });

      it("concurrent renewals of one loan: exactly one succeeds, renewed +1, one fine, one log row", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 500, renewLimit: 5 });
        const a = await fx.member({ memberTypeId: 2 });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-04" });
        const libs = [library({ connectionLimit: 4 }), library({ connectionLimit: 4 })];
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => libs[i % 2]!.renew(a, loan.loanId, { today: TODAY })),
        );
        const wins = results.filter((r) => r.ok);
        expect(wins).to.have.length(1);
        for (const r of results.filter((r) => !r.ok)) expect(r).to.deep.include({ reason: "renewed_today" });
        expect((await fx.loanRow(loan.loanId)).renewed).to.equal(1);
        expect((await fx.finesOf(a)).map((f) => f.debet)).to.deep.equal([3500]);
        expect(await fx.logsOf(a)).to.have.length(1);
      });
    });

    describe("the desk acts between the adapter's read and its write", () => {
      // The desk writes SLiMS's server date, here a day behind the library's day (a server on UTC
      // before 07:00 in Jakarta), so the "not renewed today" part of the guard does not stop the
      // chat's write: the loan's state (is_return, renewed) as read must.
      const DESK_DAY = "2025-06-10";

      /** A library whose renew() lets `desk` act on the loan just before its UPDATE; keeps the desk's row. */
      function libraryWithDesk(desk: (loanId: number) => Promise<void>) {
        const seen: { row?: Awaited<ReturnType<SlimsFixture["loanRow"]>> } = {};
        const lib = library({
          beforeRenewalWrite: async (loanId) => {
            await desk(loanId);
            seen.row = await fx.loanRow(loanId);
          },
        });
        return { lib, seen };
      }

      it("an item returned at the desk is not renewed (nor charged): SLiMS keeps the return", async () => {
        await fx.memberType({ memberTypeId: 2, finePerDay: 500, renewLimit: 5 });
        const a = await fx.member({ memberTypeId: 2 });
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-04" });
        const { lib, seen } = libraryWithDesk(async (loanId) => {
          await fx.exec(
            `UPDATE loan SET is_return = 1, return_date = ?, last_update = NOW() WHERE loan_id = ?`,
            [DESK_DAY, loanId],
          );
        });
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.equal({
          ok: false,
          reason: "not_on_loan",
          loanId: loan.loanId,
        });
        expect(seen.row, "the desk acted").to.include({ is_return: 1 });
        expect(await fx.loanRow(loan.loanId)).to.deep.equal(seen.row);
        expect(await fx.finesOf(a)).to.have.length(0);
        expect(await fx.logsOf(a)).to.have.length(0);
      });

      it("an item renewed at the desk is not renewed again by the chat: SLiMS keeps the desk's renewal", async () => {
        const a = await fx.member();
        const loan = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
        const { lib, seen } = libraryWithDesk(async (loanId) => {
          await fx.exec(
            `UPDATE loan SET renewed = renewed + 1, due_date = '2025-06-17', return_date = ?, last_update = NOW()
             WHERE loan_id = ?`,
            [DESK_DAY, loanId],
          );
        });
        expect(await lib.renew(a, loan.loanId, { today: TODAY })).to.deep.equal({
          ok: false,
          reason: "renewed_today",
          loanId: loan.loanId,
        });
        expect(seen.row, "the desk acted").to.include({ renewed: 1 });
        expect(await fx.loanRow(loan.loanId)).to.deep.equal(seen.row);
        expect(await fx.logsOf(a)).to.have.length(0);
      });
    });

    describe("least privilege", () => {
      if (version === "9") {
        it("a renewal by the relay's account reaches loan_history through SLiMS's trigger (its definer's rights)", async () => {
          const a = await fx.member();
          const loan = await fx.loan({ memberId: a, dueDate: "2025-06-12" });
          expect(await fx.loanHistory(loan.loanId)).to.deep.include({ renewed: 0, return_date: null });
          expect(await library().renew(a, loan.loanId, { today: TODAY })).to.deep.include({ ok: true });
          // The installer's update trigger copies renewed / is_return / return_date, not due_date.
          expect(await fx.loanHistory(loan.loanId)).to.deep.include({
            renewed: 1,
            is_lent: 1,
            is_return: 0,
            return_date: TODAY,
            due_date: "2025-06-12",
            member_id: a,
          });
          const conn = await mysql.createConnection({ uri: fx.relayUrl });
          try {
            const error = await conn.query(`SELECT * FROM loan_history`).catch((err: unknown) => err);
            expect((error as { code?: string }).code).to.match(/DENIED/);
          } finally {
            await conn.end();
          }
        });

        it("a trigger whose definer is gone (a restored dump): the renewal fails, its retry completes it once", async () => {
          await fx.memberType({ memberTypeId: 2, finePerDay: 500 });
          const a = await fx.member({ memberTypeId: 2 });
          const loan = await fx.loan({ memberId: a, dueDate: "2025-06-04" }); // 7 days overdue
          let saved: RenewalIntent | null = null;
          const journal: RenewalJournal = { load: async () => saved, save: async (i) => void (saved = i) };
          const update = fx.schema.triggers.find((t) => t.includes("update_loan_history"))!;
          await fx.exec(`DROP TRIGGER update_loan_history`);
          await fx.exec(
            update.replace("CREATE TRIGGER", "CREATE DEFINER = 'slims_gone'@'localhost' TRIGGER"),
          );
          try {
            const failure = await library()
              .renew(a, loan.loanId, { today: TODAY, journal })
              .catch((err: unknown) => err);
            expect(failure).to.have.property("code", "DATABASE_UNAVAILABLE");
            expect(String((failure as Error).message)).to.match(/definer/i);
            // InnoDB undoes the statement; MyISAM keeps the loan row it changed before the trigger
            // failed. Either way no fine and no log row yet.
            expect((await fx.loanRow(loan.loanId)).renewed).to.equal(engine === "InnoDB" ? 0 : 1);
            expect(await fx.finesOf(a)).to.deep.equal([]);
          } finally {
            await fx.exec(`DROP TRIGGER update_loan_history`);
            await fx.exec(update);
          }
          // The librarian repairs the trigger; the relay's retry finishes the renewal exactly once.
          expect(await library().renew(a, loan.loanId, { today: TODAY, journal })).to.deep.include({
            ok: true,
            renewed: 1,
            newDueDate: "2025-06-18",
            fineCharged: 3500,
          });
          expect((await fx.loanRow(loan.loanId)).renewed).to.equal(1);
          expect((await fx.finesOf(a)).map((f) => f.debet)).to.deep.equal([3500]);
          expect(await fx.logsOf(a)).to.have.length(1);
        });
      }

      it("the relay's account can not touch what it does not need", async () => {
        const a = await fx.member({ mpasswd: "x", birthDate: "2000-01-01" });
        const conn = await mysql.createConnection({ uri: fx.relayUrl });
        try {
          for (const sql of [
            `UPDATE member SET mpasswd = '' WHERE member_id = '${a}'`,
            `DELETE FROM fines`,
            `SELECT birth_date FROM member`,
            `SELECT * FROM mst_coll_type`,
            `UPDATE loan SET member_id = 'X'`,
          ]) {
            let error: unknown;
            await conn.query(sql).catch((err: unknown) => (error = err));
            expect(error, sql).to.be.instanceOf(Error);
            expect((error as { code?: string }).code, sql).to.match(/DENIED/);
          }
        } finally {
          await conn.end();
        }
      });
    });
  });
}

function isoDaysBefore(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
