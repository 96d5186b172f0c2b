import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pageFiles, publicDir } from "../../web/console/static";

describe("console page files", () => {
  it("serves index.html at /, top-level css/js and js/**/*.js, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "page-"));
    try {
      for (const file of [
        "index.html",
        "console.css",
        "console.js",
        "tsconfig.json",
        ".hidden.js",
        "js/main.js",
        "js/views/queue.js",
        "js/views/notes.md",
        "js/.swap.js",
        "other/x.js",
      ]) {
        mkdirSync(join(dir, file, ".."), { recursive: true });
        writeFileSync(join(dir, file), "");
      }
      expect(Object.fromEntries(pageFiles(dir))).to.deep.equal({
        "/": "index.html",
        "/console.css": "console.css",
        "/console.js": "console.js",
        "/js/main.js": "js/main.js",
        "/js/views/queue.js": "js/views/queue.js",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the page's folder (beside the source file, or from dist/ in the source tree)", () => {
    expect(pageFiles(publicDir()).get("/")).to.equal("index.html");
  });
});
