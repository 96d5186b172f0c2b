import { expect } from "chai";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

describe("config: librarian console", () => {
  it("defaults: no extra origins, cookie not Secure, 10 logins per 15 minutes, 12-hour sessions", () => {
    expect(loadConfig({}).console).to.deep.equal({
      allowedOrigins: [],
      secureCookie: false,
      loginMaxPer15Min: 10,
      sessionHours: 12,
    });
  });

  it("reads allowed origins (trailing slash dropped), Secure cookies and limits", () => {
    const c = loadConfig({
      CONSOLE_ALLOWED_ORIGINS: "https://chat.library.ac.id/, http://127.0.0.1:8080",
      CONSOLE_SECURE_COOKIE: "true",
      STAFF_LOGIN_MAX_PER_15MIN: "5",
      STAFF_SESSION_HOURS: "8",
    });
    expect(c.console).to.deep.equal({
      allowedOrigins: ["https://chat.library.ac.id", "http://127.0.0.1:8080"],
      secureCookie: true,
      loginMaxPer15Min: 5,
      sessionHours: 8,
    });
  });

  for (const [variable, value, message] of [
    ["CONSOLE_ALLOWED_ORIGINS", "https://chat.library.ac.id/path", /origins/],
    ["CONSOLE_ALLOWED_ORIGINS", "*", /origins/],
    ["CONSOLE_SECURE_COOKIE", "yes", /true or false/],
    ["STAFF_LOGIN_MAX_PER_15MIN", "0", /at least 1/],
    ["STAFF_SESSION_HOURS", "1000", /at most 720/],
  ] as const) {
    it(`refuses ${variable}=${value}`, () => {
      let error: unknown;
      try {
        loadConfig({ [variable]: value });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message)
        .to.contain(variable)
        .and.to.match(message);
    });
  }
});
