import { expect } from "chai";
import { fieldHasPhone, normalisePhone, phonesInField } from "../../shared/library/phone";

describe("library phone numbers", () => {
  describe("normalisePhone", () => {
    const same = [
      "081234567801",
      "+6281234567801",
      "6281234567801",
      "81234567801",
      "0812-3456-7801",
      "0812.3456.7801",
      "(0812) 3456 7801",
      "+62 812 3456 7801",
      "+62 (0)812-3456-7801",
      "62 0812 3456 7801",
      "0062 812 3456 7801",
      " 0812 3456 7801 ",
      "6281234567801@c.us",
    ];
    for (const input of same) {
      it(`reads "${input}" as 6281234567801`, () => {
        expect(normalisePhone(input)).to.equal("6281234567801");
      });
    }

    it("reads landlines with an area code", () => {
      expect(normalisePhone("(022) 250-0935")).to.equal("62222500935");
      expect(normalisePhone("021 5550 1234")).to.equal("622155501234");
    });

    it("keeps another country's number only with an explicit + or 00", () => {
      expect(normalisePhone("+60 12-345 6789")).to.equal("60123456789");
      expect(normalisePhone("0060123456789")).to.equal("60123456789");
      expect(normalisePhone("60123456789")).to.equal(null);
    });

    it("rejects fragments, words and implausible lengths", () => {
      for (const bad of [
        "",
        "   ",
        "abc",
        "+",
        "7801",
        "34567801",
        "0812345",
        "1234567890",
        "0812345678901234",
        "08x23456789",
        "0812+3456789",
      ]) {
        expect(normalisePhone(bad), bad).to.equal(null);
      }
    });
  });

  describe("phonesInField (member_phone is free text)", () => {
    it("finds several numbers separated by / , ; and new lines", () => {
      expect(phonesInField("0812-3456-7801 / 0857 1234 5678")).to.deep.equal([
        "6281234567801",
        "6285712345678",
      ]);
      expect(phonesInField("081234567801, 085712345678; (022) 2500935")).to.deep.equal([
        "6281234567801",
        "6285712345678",
        "62222500935",
      ]);
      expect(phonesInField("081234567801\n085712345678")).to.have.length(2);
    });

    it("reads numbers among words and labels", () => {
      expect(phonesInField("HP: 0812-3456-7801 (WA) atau rumah 022-2500935")).to.deep.equal([
        "6281234567801",
        "62222500935",
      ]);
    });

    it("splits numbers separated only by spaces when the whole is not one number", () => {
      expect(phonesInField("081234567801 085712345678")).to.deep.equal(["6281234567801", "6285712345678"]);
    });

    it("does not glue an extension onto a number", () => {
      expect(phonesInField("0812345678 ext 12")).to.deep.equal(["62812345678"]);
    });

    it("drops duplicates and reads empty fields as no numbers", () => {
      expect(phonesInField("081234567801 / +62 812 3456 7801")).to.deep.equal(["6281234567801"]);
      expect(phonesInField(null)).to.deep.equal([]);
      expect(phonesInField("-")).to.deep.equal([]);
    });
  });

  describe("fieldHasPhone: exact match only", () => {
    it("matches the same number in any notation", () => {
      expect(fieldHasPhone("0812-3456-7801 / 022 2500935", "+62 812 3456 7801")).to.equal(true);
      expect(fieldHasPhone("+6281234567801", "081234567801")).to.equal(true);
      expect(fieldHasPhone("0812-3456-7801 / 022 2500935", "0222500935")).to.equal(true);
    });

    it("never matches a suffix, a prefix or a fragment", () => {
      expect(fieldHasPhone("081234567801", "34567801")).to.equal(false);
      expect(fieldHasPhone("081234567801", "1234567801")).to.equal(false);
      expect(fieldHasPhone("0812345678012", "081234567801")).to.equal(false);
      expect(fieldHasPhone("081234567801", "0812345678")).to.equal(false);
      expect(fieldHasPhone("99081234567801", "081234567801")).to.equal(false);
      expect(fieldHasPhone(null, "081234567801")).to.equal(false);
      expect(fieldHasPhone("081234567801", "")).to.equal(false);
    });
  });
});
