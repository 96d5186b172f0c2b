import { expect } from "chai";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

describe("config: TRUST_PROXY", () => {
  it("defaults to trusting no proxy", () => {
    expect(loadConfig({}).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: "0" }).trustProxy).to.equal(false);
  });

  it("reads a hop count or a list of addresses, CIDRs and range names", () => {
    expect(loadConfig({ TRUST_PROXY: "2" }).trustProxy).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, ::1 ,fd00::/8,loopback" }).trustProxy).to.deep.equal([
      "10.0.0.0/8",
      "::1",
      "fd00::/8",
      "loopback",
    ]);
  });

  for (const value of ["true", "*", "11", "10.0.0.0/33", "::1/129", "10.0.0.1/8/1", "proxy.example", "1.2.3"])
    it(`refuses TRUST_PROXY=${value} with a clear message`, () => {
      let error: unknown;
      try {
        loadConfig({ TRUST_PROXY: value });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).variable).to.equal("TRUST_PROXY");
      expect((error as ConfigError).message).to.match(/hop count .* or a comma-separated list/);
    });
});
