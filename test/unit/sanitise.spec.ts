/** What the message log stores of strings PostgreSQL refuses, and that the original is recoverable. */
import { expect } from "chai";
import type { InboundMessage } from "../../shared/envelope";
import { SANITISED_META_KEY, sanitiseInbound } from "../../shared/log/sanitise";

const message = (over: Partial<InboundMessage>): InboundMessage => ({
  channel: "telegram",
  key: "1:1",
  chatId: "1",
  chat: { type: "private" },
  sender: { id: "1", displayName: "Siti" },
  kind: "text",
  text: "halo",
  sentAt: "2025-12-01T02:00:00.000Z",
  meta: {},
  ...over,
});

describe("sanitiseInbound", () => {
  it("leaves a storable message as it is (no marker)", () => {
    const m = message({ text: "😀 emoji pairs are fine", meta: { a: ["x", { b: "y" }] } });
    expect(sanitiseInbound(m)).to.equal(m);
  });

  it("replaces U+0000 and lone surrogates everywhere, and keeps each original as a JSON literal", () => {
    const m = message({
      text: "a\u0000b\uD83Dc\uDE00d😀",
      sender: { id: "1", displayName: "\uDBFF" },
      meta: { deep: [{ "k\u0000": "v\uDC00" }] },
    });
    const s = sanitiseInbound(m);
    expect(s.text).to.equal("a\uFFFDb\uFFFDc\uFFFDd😀");
    expect(s.sender.displayName).to.equal("\uFFFD");
    expect(s.meta.deep).to.deep.equal([{ "k\uFFFD": "v\uFFFD" }]);
    const originals = s.meta[SANITISED_META_KEY] as Record<string, string>;
    expect(JSON.parse(originals.text!)).to.equal(m.text);
    expect(JSON.parse(originals["sender.displayName"]!)).to.equal("\uDBFF");
    expect(JSON.parse(originals["meta.deep.0.k\uFFFD"]!)).to.equal("v\uDC00");
    // What it stores is itself storable: no U+0000 and no lone surrogate in any string or key.
    const strings: string[] = [];
    JSON.stringify(s, (key, value: unknown) => {
      strings.push(key);
      if (typeof value === "string") strings.push(value);
      return value;
    });
    // eslint-disable-next-line no-control-regex -- U+0000 is what must not be left
    expect(strings.filter((v) => /\u0000|[\uD800-\uDFFF]/.test(v.replace(/😀/g, "")))).to.deep.equal([]);
  });
});
