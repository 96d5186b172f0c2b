import { expect } from "chai";
import { splitText } from "../../relay/split-text";

describe("splitText", () => {
  it("keeps a short text whole", () => {
    expect(splitText("halo", 4096)).to.deep.equal(["halo"]);
  });

  it("splits a long reply into parts within the limit, losing no words", () => {
    const words = Array.from({ length: 3000 }, (_, i) => `kata${i}`);
    const parts = splitText(words.join(" "), 4096);
    expect(parts.length).to.be.greaterThan(1);
    for (const p of parts) expect(p.length).to.be.at.most(4096);
    expect(parts.join(" ").split(" ")).to.deep.equal(words);
  });

  it("prefers paragraph breaks", () => {
    const a = "a".repeat(3000);
    const b = "b".repeat(3000);
    expect(splitText(`${a}\n\n${b}`, 4096)).to.deep.equal([a, b]);
  });

  it("never cuts an emoji in half", () => {
    const text = "x" + "😀".repeat(10);
    for (const p of splitText(text, 4)) {
      expect(p.length).to.be.at.most(4);
      expect(p).to.not.match(/[\ud800-\udbff]$/);
    }
    expect(splitText(text, 4).join("")).to.equal(text);
  });
});
