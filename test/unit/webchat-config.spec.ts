/**
 * The web chat channel's variables: on by default (the quickstart's /demo needs no account),
 * off when asked, origins parsed as browsers send them, bad values refused by name.
 */
import { expect } from "chai";
import { CHANNEL_DESCRIPTORS } from "../../bot/channels";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";
import { parseMessage } from "../../web/webchat/socket";
import { WidgetSessions } from "../../web/webchat/session";

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env, CHANNEL_DESCRIPTORS);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
};

describe("web chat config and input", () => {
  it("is enabled by default with only our own origin and the default limits", () => {
    expect(loadConfig({}, CHANNEL_DESCRIPTORS).channels.webchat).to.deep.equal({
      allowedOrigins: [],
      perSession: 20,
      perAddress: 120,
      maxPerSecond: 500,
    });
  });

  it("is off with WEBCHAT_ENABLED=false, and then no channel is configured", () => {
    expect(loadConfig({ WEBCHAT_ENABLED: "false" }, CHANNEL_DESCRIPTORS).channels).to.deep.equal({});
  });

  it("takes a comma-separated list of origins (a trailing slash dropped)", () => {
    const c = loadConfig(
      { WEBCHAT_ALLOWED_ORIGINS: "https://lib.example.ac.id/, http://localhost:8080" },
      CHANNEL_DESCRIPTORS,
    );
    expect((c.channels.webchat as { allowedOrigins: string[] }).allowedOrigins).to.deep.equal([
      "https://lib.example.ac.id",
      "http://localhost:8080",
    ]);
  });

  for (const [variable, value, why] of [
    ["WEBCHAT_ALLOWED_ORIGINS", "https://lib.example.ac.id/page", /comma-separated list of origins/],
    ["WEBCHAT_ALLOWED_ORIGINS", "*", /origins/],
    ["WEBCHAT_ENABLED", "maybe", /true or false/],
    ["WEBCHAT_MAX_PER_MINUTE", "0", /at least 1/],
    ["WEBCHAT_MAX_PER_MINUTE_PER_ADDRESS", "lots", /whole number/],
  ] as const) {
    it(`refuses ${variable}=${value}`, () => {
      const err = refusal({ [variable]: value });
      expect(err.message).to.contain(variable);
      expect(err.message).to.match(why);
    });
  }

  it("reads a widget message strictly", () => {
    const ok = { clientId: "abcdefgh12", kind: "text", text: "halo", language: "en" };
    expect(parseMessage(ok, "s")).to.deep.equal({ ...ok, sessionId: "s" });
    expect(parseMessage({ ...ok, language: "fr" }, "s")).to.not.have.property("language");
    expect(parseMessage({ ...ok, kind: "photo" }, "s")).to.equal("invalid");
    expect(parseMessage({ ...ok, clientId: "a b c d e f" }, "s")).to.equal("invalid");
    expect(parseMessage({ ...ok, text: 5 }, "s")).to.equal("invalid");
    expect(parseMessage(null, "s")).to.equal("invalid");
    expect(parseMessage({ ...ok, text: "x".repeat(4001) }, "s")).to.equal("too_long");
  });

  it("accepts only session tokens it issued, with its key", () => {
    const key = Buffer.alloc(32, 7);
    const sessions = new WidgetSessions(key);
    const { sessionId, token } = sessions.issue();
    expect(sessionId).to.have.length(24);
    expect(sessions.verify(token)).to.equal(sessionId);
    expect(new WidgetSessions(Buffer.alloc(32, 8)).verify(token)).to.equal(undefined);
    expect(sessions.verify(`${sessionId}.${"A".repeat(22)}`)).to.equal(undefined);
    expect(sessions.verify(undefined)).to.equal(undefined);
  });
});
