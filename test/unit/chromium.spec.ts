import { expect } from "chai";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CHROMIUM_LOCATIONS, CHROMIUM_NOT_FOUND, findChromium } from "../helpers/chromium";

describe("findChromium", () => {
  let dir: string;
  let browser: string;
  let notExecutable: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pustaka-chromium-"));
    browser = path.join(dir, "chromium");
    notExecutable = path.join(dir, "readme");
    await fs.writeFile(browser, "#!/bin/sh\n", { mode: 0o755 });
    await fs.writeFile(notExecutable, "", { mode: 0o644 });
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("looks in Debian's, Ubuntu's, Chrome's and snap's locations", () => {
    expect(CHROMIUM_LOCATIONS).to.deep.equal([
      "/usr/bin/chromium",
      "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome",
      "/snap/bin/chromium",
    ]);
  });

  it("uses CHROMIUM_PATH when it is set", () => {
    expect(findChromium({ CHROMIUM_PATH: browser }, [])).to.equal(browser);
  });

  it("takes the first location that holds an executable", () => {
    expect(findChromium({}, [path.join(dir, "missing"), notExecutable, browser])).to.equal(browser);
  });

  it("fails with one line saying what to do when there is none", () => {
    expect(() => findChromium({}, [path.join(dir, "missing"), notExecutable]))
      .to.throw(Error, CHROMIUM_NOT_FOUND)
      .with.property("stack", CHROMIUM_NOT_FOUND);
  });

  it("names a CHROMIUM_PATH that is not a browser rather than looking elsewhere", () => {
    expect(() => findChromium({ CHROMIUM_PATH: notExecutable }, [browser])).to.throw(
      `${CHROMIUM_NOT_FOUND} (CHROMIUM_PATH=${notExecutable} is not an executable file)`,
    );
  });
});
