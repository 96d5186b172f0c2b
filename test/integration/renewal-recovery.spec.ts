/**
 * A renewal that stops between its SLiMS writes (loan renewed, then the `fines` or `system_log`
 * INSERT refused) is completed by the retry, through its intent in PostgreSQL: the fine is
 * written exactly once, the loan renewed exactly once. The failure is real: the relay's SLiMS
 * account loses its INSERT privilege for the first try. Both storage engines, SLiMS 9's and 8's tables.
 */
import { expect } from "chai";
import { Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { SlimsLibrary } from "../../shared/library/slims";
import { renewalJournal } from "../../shared/renewal-intents";
import { SlimsFixture, type Engine } from "../helpers/slims-fixture";
import { SLIMS_VERSIONS } from "../helpers/slims-schema";
import { testDatabaseUrl } from "../support/services";

const TODAY = "2025-06-11";

const ENGINES = ["InnoDB", "MyISAM"] as const satisfies readonly Engine[];
const SCHEMAS = SLIMS_VERSIONS.flatMap((version) => ENGINES.map((engine) => ({ version, engine })));

for (const { version, engine } of SCHEMAS) {
  describe(`renewal recovery on SLiMS ${version}'s tables in ${engine}`, function () {
    let fx: SlimsFixture;
    let pool: Pool;
    let lib: SlimsLibrary;
    let subjectSeq = 0;

    before(async () => {
      fx = await SlimsFixture.create(engine, { version });
      pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    });
    after(async () => {
      await pool?.end();
      await fx?.cleanup();
    });
    beforeEach(async () => {
      await fx.reset();
      // 500 a day, no grace: a loan 5 days overdue charges 2500 on renewal.
      await fx.memberType({ memberTypeId: 1, loanPeriod: 7, renewLimit: 2, finePerDay: 500 });
      lib = new SlimsLibrary({ url: fx.relayUrl, timeZone: "Asia/Jakarta" });
    });
    afterEach(async () => {
      await fx.exec(`GRANT INSERT ON \`${fx.database}\`.\`fines\` TO ${fx.relayUser}`);
      await fx.exec(`GRANT INSERT ON \`${fx.database}\`.\`system_log\` TO ${fx.relayUser}`);
      await lib.close();
    });

    let subject = "";
    const journal = () => {
      subject = `test:${process.pid}:${version}:${engine}:${++subjectSeq}`;
      return renewalJournal(dbFromPool(pool), subject);
    };

    it("the fines INSERT fails after the loan UPDATE: the retry writes the fine, once", async () => {
      const a = await fx.member();
      const loan = await fx.loan({ memberId: a, dueDate: "2025-06-06" });
      const j = journal();
      await fx.exec(`REVOKE INSERT ON \`${fx.database}\`.\`fines\` FROM ${fx.relayUser}`);
      let failure: unknown;
      await lib.renew(a, loan.loanId, { today: TODAY, journal: j }).catch((err) => (failure = err));
      expect(failure, "the first try fails").to.be.instanceOf(Error);
      expect((await fx.loanRow(loan.loanId)).renewed, "the loan UPDATE went through").to.equal(1);
      expect(await fx.finesOf(a)).to.have.length(0);

      await fx.exec(`GRANT INSERT ON \`${fx.database}\`.\`fines\` TO ${fx.relayUser}`);
      const retried = await lib.renew(a, loan.loanId, { today: TODAY, journal: j });
      expect(retried).to.deep.include({ ok: true, fineCharged: 2500, newDueDate: "2025-06-18", renewed: 1 });
      const again = await lib.renew(a, loan.loanId, { today: TODAY, journal: j });
      expect(again).to.deep.include({ ok: true, fineCharged: 2500 });

      const fines = await fx.finesOf(a);
      expect(fines.map((f) => [f.fines_date, f.debet])).to.deep.equal([[TODAY, 2500]]);
      expect((await fx.loanRow(loan.loanId)).renewed, "renewed once").to.equal(1);
      expect((await fx.logsOf(a)).map((l) => l.log_msg)).to.deep.equal([logMessage(a, loan.itemCode)]);
      const { rows } = await pool.query(`SELECT stage FROM renewal_intent WHERE subject = $1`, [subject]);
      expect(rows.map((r) => r.stage)).to.deep.equal(["done"]);
    });

    it("the log INSERT fails after the fine: the retry writes the log row and no second fine", async () => {
      const a = await fx.member();
      const loan = await fx.loan({ memberId: a, dueDate: "2025-06-06" });
      const j = journal();
      await fx.exec(`REVOKE INSERT ON \`${fx.database}\`.\`system_log\` FROM ${fx.relayUser}`);
      await lib.renew(a, loan.loanId, { today: TODAY, journal: j }).then(
        () => expect.fail("the first try must fail"),
        () => undefined,
      );
      expect(await fx.finesOf(a)).to.have.length(1);
      await fx.exec(`GRANT INSERT ON \`${fx.database}\`.\`system_log\` TO ${fx.relayUser}`);
      expect(await lib.renew(a, loan.loanId, { today: TODAY, journal: j })).to.deep.include({
        ok: true,
        fineCharged: 2500,
      });
      expect(await fx.finesOf(a)).to.have.length(1);
      expect((await fx.logsOf(a)).map((l) => l.log_msg)).to.deep.equal([logMessage(a, loan.itemCode)]);
    });

    it("the retry dates the log row with the renewal's moment, not its own (as SLiMS's Extend click would)", async () => {
      const a = await fx.member();
      const loan = await fx.loan({ memberId: a, dueDate: "2025-06-06" });
      const j = journal();
      await fx.exec(`REVOKE INSERT ON \`${fx.database}\`.\`system_log\` FROM ${fx.relayUser}`);
      const renewedAt = new Date("2025-06-11T08:00:00Z"); // 15:00 in Jakarta
      await lib.renew(a, loan.loanId, { now: renewedAt, journal: j }).then(
        () => expect.fail("the first try must fail"),
        () => undefined,
      );
      await fx.exec(`GRANT INSERT ON \`${fx.database}\`.\`system_log\` TO ${fx.relayUser}`);
      // retried two hours later
      await lib.renew(a, loan.loanId, { now: new Date("2025-06-11T10:00:00Z"), journal: j });
      expect((await fx.loanRow(loan.loanId)).last_update).to.equal("2025-06-11 15:00:00");
      expect((await fx.logsOf(a)).map((l) => l.log_date)).to.deep.equal(["2025-06-11 15:00:00"]);
    });

    it("a retry whose renewal never reached the loan renews it then (the intent alone is no renewal)", async () => {
      const a = await fx.member();
      const loan = await fx.loan({ memberId: a, dueDate: "2025-06-13" });
      const j = journal();
      await j.save({
        memberId: a,
        loanId: loan.loanId,
        itemCode: loan.itemCode,
        renewedBefore: 0,
        oldDueDate: "2025-06-13",
        newDueDate: "2025-06-18",
        renewalDate: TODAY,
        renewedAt: null,
        fine: 0,
        fineWaived: 0,
        overdueDays: 0,
        stage: "planned",
      });
      expect(await lib.renew(a, loan.loanId, { today: TODAY, journal: j })).to.deep.include({
        ok: true,
        renewed: 1,
      });
      expect((await fx.loanRow(loan.loanId)).renewed).to.equal(1);
    });
  });
}

function logMessage(memberId: string, itemCode: string): string {
  return `Member Anggota ${memberId} (${memberId}) extend loan for item ${itemCode} via pustaka-relay`;
}
