import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { postgresTargets, scratchSchema } from "./helpers.js";

const targets = postgresTargets();
if (targets.length === 0) it.skip("PostgreSQL is not configured", () => {});

for (const target of targets) {
  describe(`django-pg scan on ${target.label}`, () => {
    let scratch: Awaited<ReturnType<typeof scratchSchema>>;
    let backend: DjangoPgBackend;
    const ids = Array.from({ length: 2_500 }, (_, i) => `n${String(i).padStart(5, "0")}`);

    beforeAll(async () => {
      scratch = await scratchSchema(target.url);
      backend = new DjangoPgBackend({ pool: scratch.pool, schema: scratch.schema });
      await backend.bootstrap();
      await backend.setBytesMulti(ids.map((id) => [id, new TextEncoder().encode(`{"id":"${id}"}`)]));
    });
    afterAll(async () => {
      await backend.close();
      await scratch.drop();
    });

    const all = async (backend: DjangoPgBackend, options: Parameters<DjangoPgBackend["scan"]>[0]) => {
      const pages = [];
      for await (const page of backend.scan(options)) pages.push(page);
      return pages;
    };

    it("walks the primary-key index in id order, pages of the asked size, stored sizes from the column", async () => {
      const pages = await all(backend, { pageSize: 1_000 });
      expect(pages.map((p) => p.nodes.length)).toEqual([1_000, 1_000, 500]);
      expect(pages.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(ids);
      const { rows } = await scratch.pool.query(
        `SELECT octet_length(data) AS n FROM ${scratch.schema}.nodestore_node WHERE id = 'n00000'`,
      );
      expect(pages[0]!.nodes[0]!.storedBytes).toBe(Number(rows[0].n));
      expect(pages[0]!.cursor).toBe("n00999");
    });

    it("resumes from a cursor in a new backend object, as another process would", async () => {
      const other = new DjangoPgBackend({ pool: scratch.pool, schema: scratch.schema });
      const rest = await all(other, { after: "n01499", pageSize: 700 });
      expect(rest.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(ids.slice(1_500));
    });

    it("plans each page as a primary-key index range, never a sort of the table", async () => {
      await scratch.pool.query(`ANALYZE ${scratch.schema}.nodestore_node`);
      await scratch.pool.query("SET enable_seqscan = off"); // a 2 500-row table would be scanned otherwise
      const { rows } = await scratch.pool.query(
        `EXPLAIN SELECT id, "timestamp", octet_length(data) FROM ${scratch.schema}.nodestore_node WHERE id > $1 ORDER BY id LIMIT 1000`,
        ["n01000"],
      );
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toMatch(/Index Scan using nodestore_node_pkey/);
      expect(plan).toMatch(/Index Cond: \(\(id\)::text > /);
      expect(plan).not.toMatch(/Sort/);
    });

    it("filters the window on the timestamp column", async () => {
      await scratch.pool.query(
        `UPDATE ${scratch.schema}.nodestore_node SET "timestamp" = '2020-01-01T00:00:00Z' WHERE id < 'n00010'`,
      );
      const old = await all(backend, { until: new Date("2021-01-01T00:00:00Z") });
      const listed = old.flatMap((p) => p.nodes);
      expect(listed.map((n) => n.id)).toEqual(ids.slice(0, 10));
      expect(listed[0]!.timestamp!.toISOString()).toBe("2020-01-01T00:00:00.000Z");
      const recent = await all(backend, { since: new Date("2021-01-01T00:00:00Z"), pageSize: 5_000 });
      expect(recent.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(ids.slice(10));
    });
  });
}
