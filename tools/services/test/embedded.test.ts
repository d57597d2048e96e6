import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres, startEmbeddedS3 } from "../src/index.js";

// The programmatic API: temporary servers on free loopback ports (no `pnpm services up` needed).
describe("startEmbeddedPostgres / startEmbeddedS3", () => {
  it("start on free ports, answer, stop and remove their temporary data", async () => {
    const [db, s3] = await Promise.all([
      startEmbeddedPostgres({ database: "embedded_test" }),
      startEmbeddedS3(),
    ]);
    try {
      expect(db.url).toMatch(/^postgres:\/\/postgres:[0-9a-f]+@127\.0\.0\.1:\d+\/embedded_test$/);
      expect(db.version).toMatch(/^PostgreSQL \d+\.\d+/);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query("select current_database() as d");
      await client.end();
      expect(rows[0].d).toBe("embedded_test");

      expect(s3.endpoint).toBe(`http://127.0.0.1:${s3.port}`);
      expect(s3.version).toMatch(/^s3rver /);
      expect(existsSync(s3.dataDir)).toBe(true);
    } finally {
      await Promise.all([db.stop(), s3.stop()]);
    }
    expect(existsSync(db.dataDir)).toBe(false);
    expect(existsSync(s3.dataDir)).toBe(false);
    await db.stop(); // idempotent
  });
});
