import { NodeStore } from "@nodestore/core";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { postgresTargets, scratchSchema } from "./helpers.js";

const ROWS = 100_000;
const DAY = 86_400_000;
const targets = postgresTargets();
if (targets.length === 0) it.skip("PostgreSQL is not configured", () => {});

for (const target of targets) {
  describe(`cleanup of ${ROWS} rows on ${target.label}`, () => {
    let pool: pg.Pool;
    let schema: string;
    let drop: () => Promise<void>;
    let backend: DjangoPgBackend;
    const now = Date.now();

    beforeAll(async () => {
      ({ pool, schema, drop } = await scratchSchema(target.url));
      backend = new DjangoPgBackend({ pool, schema });
      await backend.bootstrap();
      // Row i was last written i % 100 days (plus i seconds) ago: 1000 rows per day over 100 days.
      await pool.query(
        `INSERT INTO ${schema}.nodestore_node (id, data, "timestamp")
         SELECT md5(i::text), $1, to_timestamp($2::double precision / 1000) - make_interval(days => i % 100, secs => i % 3600)
         FROM generate_series(1, $3) AS i`,
        ["eJyrVkosSVSyUjJU0lFKzs/NTczLLAGyDQ1qAQBgxQec", now, ROWS],
      );
    }, 120_000);
    afterAll(async () => drop());

    it("deletes exactly the rows last written before the cutoff, in bounded batches, with flat memory", async () => {
      const cutoff = new Date(now - 30 * DAY - 2 * 3600_000);
      const expected = await pool.query<{ old: number; kept: number }>(
        `SELECT count(*) FILTER (WHERE "timestamp" < $1)::int AS old, count(*) FILTER (WHERE "timestamp" >= $1)::int AS kept
         FROM ${schema}.nodestore_node`,
        [cutoff],
      );
      const { old, kept } = expected.rows[0]!;
      expect(old).toBeGreaterThan(60_000);
      expect(kept).toBeGreaterThan(25_000);

      const progress: number[] = [];
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const result = await new NodeStore(backend).cleanup(cutoff, {
        onProgress: (p) => progress.push(p.deleted),
      });
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

      expect(result.deleted).toBe(old);
      expect(result.batches).toBe(Math.ceil(old / 10_000));
      expect(progress.at(-1)).toBe(old);
      expect(progress.every((d, i) => i === 0 || d - progress[i - 1]! <= 10_000)).toBe(true);
      // Nothing is buffered per row: the heap does not grow with the number of rows deleted.
      expect(heapGrowth).toBeLessThan(32 * 1024 * 1024);

      const after = await pool.query<{ n: number; oldest: Date }>(
        `SELECT count(*)::int AS n, min("timestamp") AS oldest FROM ${schema}.nodestore_node`,
      );
      expect(after.rows[0]!.n).toBe(kept);
      expect(after.rows[0]!.oldest.getTime()).toBeGreaterThanOrEqual(cutoff.getTime());
    }, 120_000);

    it("a second run deletes nothing; an aborted run stops between batches", async () => {
      const cutoff = new Date(now - 30 * DAY - 2 * 3600_000);
      expect((await backend.cleanup(cutoff)).deleted).toBe(0);
      const count = async () =>
        (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.nodestore_node`)).rows[0]!
          .n;
      const before = await count();
      const controller = new AbortController();
      const small = new DjangoPgBackend({ pool, schema, cleanupBatchSize: 1000 });
      const run = small.cleanup(new Date(now - 20 * DAY), {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.batches === 2) controller.abort();
        },
      });
      await expect(run).rejects.toThrow(/abort/i);
      expect(await count()).toBe(before - 2000); // two batches of 1000 went, and stay gone
    });

    it("reclaimSpace('vacuum') and ('full') run and report sizes; FULL returns the space", async () => {
      const sizeBefore = await backend.tableSize();
      await backend.cleanup(new Date(now + DAY));
      const { before, after } = await backend.reclaimSpace("full");
      expect(before.rows).toBe(0);
      expect(after.rows).toBe(0);
      expect(after.bytes).toBeLessThan(sizeBefore.bytes / 4);
      const vacuum = await backend.reclaimSpace("vacuum");
      expect(vacuum.after.rows).toBe(0);
    }, 120_000);
  });
}
