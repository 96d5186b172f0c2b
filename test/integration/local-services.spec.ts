/**
 * ensureLocalServices against real processes: the servers the tests use (this machine's on
 * 5432/6379, or the private ones the test run started) are found and left alone; with those candidates pointed at closed ports it runs private PostgreSQL
 * and Redis under a temporary DATA_DIR, reuses the cluster on the next call, and stop() ends them.
 */
import { expect } from "chai";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { Redis } from "ioredis";
import { ensureLocalServices, type LocalServices } from "../../shared/quickstart/local-services";
import { testPgAdminUrl, testRedisUrl } from "../support/services";

async function selectOne(url: string): Promise<number> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>("SELECT 1 AS one");
    return rows[0]!.one;
  } finally {
    await client.end();
  }
}

async function ping(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return await redis.ping();
  } finally {
    redis.disconnect();
  }
}

function endpointOf(url: string): { host: string; port: number } {
  const { hostname, port, protocol } = new URL(url);
  return { host: hostname, port: Number(port) || (protocol === "redis:" ? 6379 : 5432) };
}

/** Resolves true when a TCP connection to the port is accepted, false when refused. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Ports nothing listens on right now: bound to port 0 by the kernel, then released. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

describe("ensureLocalServices", function () {
  const started: LocalServices[] = [];
  afterEach(async () => {
    // Whatever an assertion left running; stop() is idempotent, so this repeats harmlessly.
    await Promise.allSettled(started.splice(0).map((s) => s.stop()));
  });

  it("finds the PostgreSQL and Redis already running (by default on 5432/6379) and leaves them running", async () => {
    const pg = endpointOf(testPgAdminUrl());
    const redis = endpointOf(testRedisUrl());
    // With the machine's own servers this exercises the default candidates; with the private
    // servers of this test run (nothing on the standard ports) it names where they listen.
    const onStandardPorts = pg.port === 5432 && redis.port === 6379 && pg.host === "127.0.0.1";
    const lines: string[] = [];
    const services = await ensureLocalServices({
      dataDir: ".data-unused",
      log: (l) => lines.push(l),
      ...(onStandardPorts ? {} : { candidates: { postgres: pg, redis } }),
    });
    started.push(services);

    const pgWhere = `${pg.host}:${pg.port}`.replace(/\./g, "\\.");
    expect(services.databaseUrl).to.match(new RegExp(`^postgres://[^@]+@${pgWhere}/pustaka_relay$`));
    expect(services.redisUrl).to.equal(`redis://${redis.host}:${redis.port}`);
    expect(lines.join("\n")).to.match(new RegExp(`Using PostgreSQL on ${pgWhere}`));
    expect(lines.join("\n")).to.contain(`Using Redis on ${redis.host}:${redis.port}`);
    expect(services.notes).to.deep.equal(lines);
    expect(await selectOne(services.databaseUrl)).to.equal(1);
    expect(await ping(services.redisUrl)).to.equal("PONG");

    await services.stop();
    expect(await selectOne(services.databaseUrl)).to.equal(1);
    expect(await ping(services.redisUrl)).to.equal("PONG");
    await fs.access(".data-unused").then(
      () => expect.fail("a found server must not create the data dir"),
      () => {},
    );
  });

  it("uses DATABASE_URL and REDIS_URL as given", async () => {
    const lines: string[] = [];
    const services = await ensureLocalServices({
      databaseUrl: "postgres://someone:secret@db.invalid:5432/x",
      redisUrl: "redis://cache.invalid:6379",
      dataDir: ".data-unused",
      log: (l) => lines.push(l),
    });
    expect(services.databaseUrl).to.equal("postgres://someone:secret@db.invalid:5432/x");
    expect(services.redisUrl).to.equal("redis://cache.invalid:6379");
    expect(lines.join("\n")).not.to.contain("secret");
    await services.stop();
  });

  describe("when nothing runs on the candidate ports", function () {
    this.timeout(60_000);
    let dataDir: string;

    before(async () => {
      dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "pustaka-local-services-"));
      // mkdtemp makes it 0700; as root the cluster runs as user postgres, which must get through.
      await fs.chmod(dataDir, 0o755);
    });
    after(async () => {
      await fs.rm(dataDir, { recursive: true, force: true });
    });

    it("starts private PostgreSQL and Redis, reuses the cluster, and stop() ends both", async () => {
      const [pgCandidate, redisCandidate, pgPort, redisPort] = (await freePorts(4)) as [
        number,
        number,
        number,
        number,
      ];
      const options = {
        dataDir,
        candidates: {
          postgres: { host: "127.0.0.1", port: pgCandidate },
          redis: { host: "127.0.0.1", port: redisCandidate },
        },
        privatePorts: { postgres: pgPort, redis: redisPort },
      };

      const firstLog: string[] = [];
      const first = await ensureLocalServices({ ...options, log: (l) => firstLog.push(l) });
      started.push(first);
      // Each private server asks for the password generated into DATA_DIR (0600).
      const pgPassword = (await fs.readFile(path.join(dataDir, "postgres.password"), "utf8")).trim();
      const redisPassword = (await fs.readFile(path.join(dataDir, "redis.password"), "utf8")).trim();
      for (const file of ["postgres.password", "redis.password", "redis/redis.conf"])
        expect((await fs.stat(path.join(dataDir, file))).mode & 0o077, file).to.equal(0);
      expect(pgPassword).to.have.length.of.at.least(40);
      expect(first.databaseUrl).to.equal(
        `postgres://pustaka:${pgPassword}@127.0.0.1:${pgPort}/pustaka_relay`,
      );
      expect(first.redisUrl).to.equal(`redis://:${redisPassword}@127.0.0.1:${redisPort}`);
      expect(firstLog.join("\n")).not.to.contain(pgPassword);
      expect(firstLog.join("\n")).not.to.contain(redisPassword);
      // Another local user, without the password, gets nothing from either.
      const intruder = new Redis({
        host: "127.0.0.1",
        port: redisPort,
        lazyConnect: true,
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      intruder.on("error", () => {});
      await intruder.connect();
      await intruder.get("anything").then(
        () => expect.fail("the private Redis answered an unauthenticated client"),
        (err: Error) => expect(err.message).to.match(/NOAUTH/),
      );
      intruder.disconnect();
      for (const attempt of [
        `postgres://pustaka@127.0.0.1:${pgPort}/pustaka_relay`,
        `postgres://pustaka:wrong@127.0.0.1:${pgPort}/pustaka_relay`,
      ])
        await selectOne(attempt).then(
          () => expect.fail(`the private PostgreSQL let ${attempt} in`),
          (err: Error) => expect(err.message).to.match(/password/),
        );
      expect(firstLog.join("\n")).to.contain(`PostgreSQL not reachable on 127.0.0.1:${pgCandidate}`);
      expect(firstLog.join("\n")).to.contain("Initialised a PostgreSQL cluster");
      expect(firstLog.join("\n")).to.contain(`Redis not reachable on 127.0.0.1:${redisCandidate}`);
      expect(await selectOne(first.databaseUrl)).to.equal(1);
      expect(await ping(first.redisUrl)).to.equal("PONG");

      // Something to recognise the cluster by on the next start.
      const client = new Client({ connectionString: first.databaseUrl });
      await client.connect();
      await client.query("CREATE TABLE marker (note text); INSERT INTO marker VALUES ('first run')");
      await client.end();

      // While the first is running, a second call uses the running private servers without owning them.
      const second = await ensureLocalServices({ ...options, log: () => {} });
      started.push(second);
      expect(second.databaseUrl).to.equal(first.databaseUrl);
      expect(second.notes.join("\n")).to.match(/already running on port \d+: using it \(left running\)/);
      await second.stop();
      expect(await selectOne(first.databaseUrl)).to.equal(1);
      expect(await ping(first.redisUrl)).to.equal("PONG");

      await first.stop();
      expect(await accepts(pgPort)).to.equal(false);
      expect(await accepts(redisPort)).to.equal(false);

      // As an older version left it: every local login trusted.
      const hbaFile = path.join(dataDir, "postgres", "pg_hba.conf");
      const hba = await fs.readFile(hbaFile, "utf8");
      await fs.writeFile(hbaFile, hba.replace(/scram-sha-256/g, "trust"));

      // A fresh start on the same data dir: no initdb, the same cluster (the marker is still there),
      // and it asks for the password again.
      const third = await ensureLocalServices({ ...options, log: () => {} });
      started.push(third);
      expect(third.notes.join("\n")).to.contain("it now asks for the password");
      await selectOne(`postgres://pustaka@127.0.0.1:${pgPort}/pustaka_relay`).then(
        () => expect.fail("the private PostgreSQL still trusts a login without password"),
        (err: Error) => expect(err.message).to.match(/password/),
      );
      expect(third.notes.join("\n")).to.contain("Reusing the PostgreSQL cluster");
      expect(third.notes.join("\n")).not.to.contain("Initialised");
      const again = new Client({ connectionString: third.databaseUrl });
      await again.connect();
      const { rows } = await again.query<{ note: string }>("SELECT note FROM marker");
      await again.end();
      expect(rows).to.deep.equal([{ note: "first run" }]);
      expect(await ping(third.redisUrl)).to.equal("PONG");

      await third.stop();
      await third.stop(); // idempotent
      expect(await accepts(pgPort)).to.equal(false);
      expect(await accepts(redisPort)).to.equal(false);
    });
  });
});
