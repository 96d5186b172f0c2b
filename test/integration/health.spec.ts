import { expect } from "chai";
import { startTestApp } from "../helpers/app";

describe("GET /healthz", () => {
  it("answers 503 naming the failed check when Redis or the database is unreachable", async () => {
    const { app } = await startTestApp(undefined, { roles: ["web", "relay"] });
    try {
      const url = `${app.web!.url}/healthz`;
      expect((await fetch(url)).status).to.equal(200);

      app.redis.disconnect();
      const noRedis = await fetch(url);
      expect(noRedis.status).to.equal(503);
      const body = (await noRedis.json()) as { checks: Record<string, { ok: boolean }> };
      expect(body.checks.redis!.ok).to.equal(false);
      expect(body.checks.database!.ok).to.equal(true);

      await app.dataSource.destroy();
      const noDb = (await (await fetch(url)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(noDb.checks.database!.ok).to.equal(false);
    } finally {
      await app.close();
    }
  });

  it("does not listen beyond the configured host", async () => {
    const { app } = await startTestApp(undefined, { roles: ["web"] });
    try {
      expect(app.web!.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await app.close();
    }
  });
});
