import { expect } from "chai";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

describe("config: tamper evidence and retention", () => {
  it("chains every 2 s, signs no checkpoint and keeps personal data unless told otherwise", () => {
    expect(loadConfig({}).audit).to.deep.equal({
      chainIntervalMs: 2000,
      checkpointKey: undefined,
      retentionDays: undefined,
    });
    expect(loadConfig({ RETENTION_DAYS: "365", AUDIT_CHAIN_INTERVAL_MS: "5000" }).audit).to.include({
      retentionDays: 365,
      chainIntervalMs: 5000,
    });
    expect(loadConfig({ RETENTION_DAYS: "" }).audit.retentionDays).to.equal(undefined);
  });

  it("refuses a retention that is not a whole number of days, a short key, a chainer interval out of range", () => {
    for (const [variable, value] of [
      ["RETENTION_DAYS", "0"],
      ["RETENTION_DAYS", "1.5"],
      ["RETENTION_DAYS", "a year"],
      ["AUDIT_CHECKPOINT_KEY", "short"],
      ["AUDIT_CHAIN_INTERVAL_MS", "10"],
    ] as const) {
      expect(() => loadConfig({ [variable]: value }), `${variable}=${value}`)
        .to.throw(ConfigError)
        .with.property("message")
        .that.contains(variable);
    }
  });
});
