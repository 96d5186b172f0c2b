import { expect } from "chai";
import { databasePoolSizeFor, loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

describe("config: availability settings", () => {
  it("has bounded defaults: SLiMS 5 s, an answer 20 s, 20 messages a minute, 3 librarian requests per 10 min", () => {
    const c = loadConfig({});
    expect(c.slimsQueryTimeoutMs).to.equal(5000);
    expect(c.answerTimeoutMs).to.equal(20_000);
    expect(c.senderLimits).to.deep.equal({ messagesPerMinute: 20, handoffsPer10Min: 3 });
  });

  it("sizes the database pool from the relay's concurrency unless DATABASE_POOL_SIZE says otherwise", () => {
    expect(loadConfig({}).databasePoolSize).to.equal(20); // 50 drains
    expect(loadConfig({ RELAY_CONCURRENCY: "200" }).databasePoolSize).to.equal(50);
    expect(loadConfig({ RELAY_CONCURRENCY: "1000" }).databasePoolSize).to.equal(100);
    expect(loadConfig({ DATABASE_POOL_SIZE: "7" }).databasePoolSize).to.equal(7);
    expect(databasePoolSizeFor(1)).to.equal(11);
  });

  it("refuses a timeout of zero and a limit out of range, naming the variable", () => {
    for (const [variable, value] of [
      ["SLIMS_QUERY_TIMEOUT_MS", "0"],
      ["ANSWER_TIMEOUT_MS", "10"],
      ["INBOUND_MAX_PER_MINUTE", "0"],
      ["HANDOFF_MAX_PER_10MIN", "x"],
      ["DATABASE_POOL_SIZE", "-1"],
    ] as const) {
      expect(() => loadConfig({ [variable]: value }), variable)
        .to.throw(ConfigError)
        .with.property("message")
        .that.contains(variable);
    }
  });
});
