/**
 * How a SLiMS `setting` value (PHP-serialised, or plain text from an old install) reads as a
 * yes/no, e.g. `ignore_holidays_fine_calc`: a wrong reading charges fines on holidays or skips them.
 */
import { expect } from "chai";
import { phpSerializedTruthy } from "../../shared/library/renewal-rules";

const cases: Array<[string | null | undefined, boolean]> = [
  // PHP booleans, with and without the trailing semicolon, and surrounding spaces
  ["b:1;", true],
  ["b:0;", false],
  ["b:1", true],
  [" b:1; ", true],
  ["b:2;", false],
  // integers and doubles: only a positive number is on
  ["i:1;", true],
  ["i:0;", false],
  ["i:-1;", false],
  ["i:7", true],
  ["d:0.5;", true],
  ["d:0;", false],
  ["d:1e3;", true],
  ["d:-2.5E-1;", false],
  // strings: the text inside, read as a yes/no
  ['s:1:"1";', true],
  ['s:1:"0";', false],
  ['s:4:"true";', true],
  ['s:3:"yes";', true],
  ['s:2:"on";', true],
  ['s:4:"TRUE";', true],
  ['s:5:"false";', false],
  ['s:2:"no";', false],
  ['s:0:"";', false],
  ['s:3:" 1 ";', true],
  ['s:3:"1.5";', true],
  ['s:4:"-1.5";', false],
  ['s:4:"yes!";', false],
  ['s:4:"a"b";', false],
  // only a whole serialised value counts: anything before or after it makes it plain text
  ["b:1;x", false],
  ["xb:1;", false],
  ["i:1;x", false],
  ["xi:1;", false],
  ['s:1:"1";x', false],
  ['xs:1:"1";', false],
  ['s:4:"true"', true],
  ['s:10:"0123456789";', true],
  ["d:1e+3;", true],
  ["d:5e3;", true],
  ["d:1e10;", true],
  ["d:-1e10;", false],
  // null, empty, PHP null
  [null, false],
  [undefined, false],
  ["", false],
  ["N;", false],
  // not serialised at all (an old install): the raw text
  ["1", true],
  ["0", false],
  ["2", true],
  ["-3", false],
  ["0.0", false],
  ["0.25", true],
  ["yes", true],
  ["On", true],
  [" true ", true],
  ["off", false],
  ["nonsense", false],
  ["1a", false],
];

describe("SLiMS setting values as yes/no (phpSerializedTruthy)", () => {
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} → ${expected}`, () => {
      expect(phpSerializedTruthy(value)).to.equal(expected);
    });
  }
});
