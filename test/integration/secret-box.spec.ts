/**
 * The patron's password waiting in Redis is sealed with SECRET_BOX_KEY: what Redis holds is not
 * the password (nor its base64), another key cannot open it, a value moved to another message's
 * key does not open; the quickstart's key file is created once, 0600, the same for every process.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Redis } from "ioredis";
import { dataDirSecret, SECRET_FILES } from "../../shared/quickstart/secrets";
import { parseSecretBoxKey, SecretBox } from "../../shared/secret-box";
import { testRedisUrl, uniquePrefix } from "../support/services";

describe("secret box: the password in Redis is encrypted", () => {
  let redis: Redis;
  const prefix = uniquePrefix("secret");
  const key = randomBytes(32);
  before(() => {
    redis = new Redis(testRedisUrl());
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("stores something that is not the password, and gives the password back once", async () => {
    const box = new SecretBox(redis, prefix, key);
    const password = "demo1234-rahasia";
    await box.put("m1", password);
    const stored = (await redis.get(`${prefix}:secret:m1`))!;
    expect(stored).to.be.a("string");
    expect(stored).not.to.contain(password);
    expect(stored).not.to.contain(Buffer.from(password).toString("base64").slice(0, 12));
    expect(await redis.ttl(`${prefix}:secret:m1`)).to.be.within(1, 300);
    expect(await box.take("m1")).to.equal(password);
    expect(await box.take("m1")).to.equal(null);
  });

  it("another key, or a value moved to another message, cannot be opened", async () => {
    const box = new SecretBox(redis, prefix, key);
    await box.put("m2", "rahasia");
    const other = new SecretBox(redis, prefix, randomBytes(32));
    await other.take("m2").then(
      () => expect.fail("opened with another key"),
      (err: { code?: string }) => expect(err.code).to.equal("SECRET_UNREADABLE"),
    );
    await box.put("m3", "rahasia");
    await redis.set(`${prefix}:secret:m4`, (await redis.get(`${prefix}:secret:m3`))!);
    await box.take("m4").then(
      () => expect.fail("opened under another message's key"),
      (err: { code?: string }) => expect(err.code).to.equal("SECRET_UNREADABLE"),
    );
  });

  it("the quickstart's key: created once in DATA_DIR, mode 0600, the same for processes starting at once", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pustaka-secrets-"));
    try {
      const values = await Promise.all(
        Array.from({ length: 8 }, () => dataDirSecret(dir, SECRET_FILES.secretBoxKey)),
      );
      expect(new Set(values).size).to.equal(1);
      expect(parseSecretBoxKey(values[0]!)).to.have.length(32);
      const file = path.join(dir, SECRET_FILES.secretBoxKey);
      expect((await fs.stat(file)).mode & 0o777).to.equal(0o600);
      expect(await fs.readdir(dir)).to.deep.equal([SECRET_FILES.secretBoxKey]);
      await fs.chmod(file, 0o644);
      expect(await dataDirSecret(dir, SECRET_FILES.secretBoxKey)).to.equal(values[0]);
      expect((await fs.stat(file)).mode & 0o777).to.equal(0o600);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("SECRET_BOX_KEY: 32 bytes as hex or base64, anything else refused", () => {
    expect(parseSecretBoxKey("ab".repeat(32))).to.have.length(32);
    expect(parseSecretBoxKey(randomBytes(32).toString("base64"))).to.have.length(32);
    expect(parseSecretBoxKey(randomBytes(32).toString("base64url"))).to.have.length(32);
    for (const bad of ["", "short", "ab".repeat(31), randomBytes(16).toString("base64")])
      expect(parseSecretBoxKey(bad), bad).to.equal(undefined);
  });
});
