import { expect } from "chai";
import { attachableType, inlineImageType, plainFileName, plainMimeType } from "../../shared/media/sniff";
import { loadConfig } from "../../shared/config";

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ""), "hex");

describe("media: types by content, names and types made plain, config", () => {
  it("knows PDF, PNG, JPEG and WebP by their first bytes, whatever the name", () => {
    expect(attachableType(Buffer.from("%PDF-1.7\n"))).to.equal("application/pdf");
    expect(attachableType(hex("89504e470d0a1a0a 0000"))).to.equal("image/png");
    expect(attachableType(hex("ffd8ffe0 0010"))).to.equal("image/jpeg");
    expect(
      attachableType(Buffer.concat([Buffer.from("RIFF"), hex("00000000"), Buffer.from("WEBPVP8 ")])),
    ).to.equal("image/webp");
    for (const other of [
      "<html>",
      "<svg xmlns='http://www.w3.org/2000/svg'/>",
      "GIF89a",
      " %PDF-",
      "RIFF0000WAVE",
      "",
    ])
      expect(attachableType(Buffer.from(other)), other).to.equal(null);
  });

  it("shows inline only raster images (GIF too), never SVG or HTML", () => {
    expect(inlineImageType(Buffer.from("GIF89a...."))).to.equal("image/gif");
    expect(inlineImageType(Buffer.from("%PDF-1.4"))).to.equal(null);
    expect(inlineImageType(Buffer.from("<svg/>"))).to.equal(null);
  });

  it("keeps a plain MIME type and a file name without path or control characters", () => {
    expect(plainMimeType(" Image/JPEG ")).to.equal("image/jpeg");
    expect(plainMimeType("text/html; charset=utf-8")).to.equal("application/octet-stream");
    expect(plainMimeType(undefined)).to.equal("application/octet-stream");
    expect(plainFileName("C:\\Users\\x\\skripsi.pdf")).to.equal("skripsi.pdf");
    expect(plainFileName('a"b\r\n.pdf')).to.equal("ab.pdf");
    expect(plainFileName("..")).to.equal(null);
    expect(plainFileName("x".repeat(300))).to.have.length(200);
  });

  it("MEDIA_MAX_BYTES and MEDIA_DIR: defaults, and a bad value named", () => {
    expect(loadConfig({}).media).to.deep.equal({ maxBytes: 10 * 1024 * 1024, dir: undefined });
    expect(loadConfig({ MEDIA_MAX_BYTES: "2048", MEDIA_DIR: "/var/lib/pustaka/media" }).media).to.deep.equal({
      maxBytes: 2048,
      dir: "/var/lib/pustaka/media",
    });
    expect(() => loadConfig({ MEDIA_MAX_BYTES: "10MB" })).to.throw(
      'MEDIA_MAX_BYTES: must be a whole number (got "10MB")',
    );
    expect(() => loadConfig({ MEDIA_MAX_BYTES: "100" })).to.throw("MEDIA_MAX_BYTES: must be at least 1024");
    expect(() => loadConfig({ MEDIA_DIR: " /tmp/x" })).to.throw("MEDIA_DIR: must be a folder path");
  });
});
