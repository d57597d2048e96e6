import { BackendError, InvalidArgumentError, type ScanOptions, type ScanPage } from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { scanStatement } from "../src/scan.js";
import { postgresTargets, scratchSchema } from "./helpers.js";

const targets = postgresTargets();
if (targets.length === 0) it.skip("PostgreSQL is not configured", () => {});

const all = async (backend: DjangoPgBackend, options?: ScanOptions): Promise<ScanPage[]> => {
  const pages = [];
  for await (const page of backend.scan(options)) pages.push(page);
  return pages;
};
const idsOf = (pages: ScanPage[]) => pages.flatMap((p) => p.nodes.map((n) => n.id));

for (const target of targets) {
  describe(`django-pg scan on ${target.label}`, () => {
    let scratch: Awaited<ReturnType<typeof scratchSchema>>;
    let backend: DjangoPgBackend;
    let table: string;
    const ids = Array.from({ length: 2_500 }, (_, i) => `n${String(i).padStart(5, "0")}`);

    beforeAll(async () => {
      scratch = await scratchSchema(target.url);
      table = `${scratch.schema}.nodestore_node`;
      backend = new DjangoPgBackend({ pool: scratch.pool, schema: scratch.schema });
      await backend.bootstrap();
      await backend.setBytesMulti(ids.map((id) => [id, new TextEncoder().encode(`{"id":"${id}"}`)]));
    });
    afterAll(async () => {
      await backend.close();
      await scratch.drop();
    });

    /** EXPLAIN of the statement scan() sends, on its own connection with sequential scans off (small table). */
    const plan = async (statement: { text: string; values: unknown[] }) => {
      const client = await scratch.pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SET LOCAL enable_seqscan = off");
        const { rows } = await client.query(`EXPLAIN ${statement.text}`, statement.values);
        await client.query("ROLLBACK");
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      } finally {
        client.release();
      }
    };

    it("walks the primary-key index in id order, pages of the asked size, stored sizes from the column", async () => {
      const pages = await all(backend, { pageSize: 1_000 });
      expect(pages.map((p) => p.nodes.length)).toEqual([1_000, 1_000, 500]);
      expect(idsOf(pages)).toEqual(ids);
      expect(pages.map((p) => p.cursor)).toEqual(["n00999", "n01999", "n02499"]);
      const { rows } = await scratch.pool.query(
        `SELECT id, octet_length(data) AS n FROM ${table} ORDER BY id`,
      );
      expect(pages.flatMap((p) => p.nodes.map((n) => n.storedBytes))).toEqual(rows.map((r) => r.n));
    });

    it("one page of everything by default (up to 10 000 a page); a page size above that is capped", async () => {
      expect((await all(backend)).map((p) => p.nodes.length)).toEqual([2_500]);
      expect(scanStatement("t", undefined, undefined, undefined, 10_000).values).toEqual([10_000]);
      expect((await all(backend, { pageSize: 1_000_000 })).map((p) => p.nodes.length)).toEqual([2_500]);
    });

    it("resumes from a cursor in a new backend object, as another process would", async () => {
      const other = new DjangoPgBackend({ pool: scratch.pool, schema: scratch.schema });
      const rest = await all(other, { after: "n01499", pageSize: 700 });
      expect(rest.map((p) => p.nodes.length)).toEqual([700, 300]);
      expect(idsOf(rest)).toEqual(ids.slice(1_500));
      expect(await all(other, { after: "n02499" })).toEqual([]);
      // A cursor need not be a stored id: it is a position in the order.
      expect(idsOf(await all(other, { after: "n02498x" }))).toEqual(["n02499"]);
    });

    it("plans each page as a primary-key index range, never a sort of the table", async () => {
      await scratch.pool.query(`ANALYZE ${table}`);
      const first = await plan(scanStatement(table, undefined, undefined, undefined, 1_000));
      expect(first).toMatch(/Index Scan using nodestore_node_pkey/);
      expect(first).not.toMatch(/Sort/);
      const next = await plan(scanStatement(table, "n01000", undefined, undefined, 1_000));
      expect(next).toMatch(/Index Scan using nodestore_node_pkey/);
      expect(next).toMatch(/Index Cond: \(\(id\)::text > /);
      expect(next).not.toMatch(/Sort/);
    });

    it("gives each node the timestamp the server stores (ms, as pg reads it)", async () => {
      let page: ScanPage | undefined;
      for await (page of backend.scan({ pageSize: 3 })) break;
      const { rows } = await scratch.pool.query(
        `SELECT id, "timestamp" FROM ${table} WHERE id = ANY($1) ORDER BY id`,
        [page!.nodes.map((n) => n.id)],
      );
      expect(page!.nodes.map((n) => [n.id, n.timestamp!.getTime()])).toEqual(
        rows.map((r) => [r.id, (r.timestamp as Date).getTime()]),
      );
    });

    it("checks the signal before each statement", async () => {
      const controller = new AbortController();
      const seen: string[] = [];
      await expect(
        (async () => {
          for await (const page of backend.scan({ pageSize: 1_000, signal: controller.signal })) {
            seen.push(page.cursor);
            controller.abort();
          }
        })(),
      ).rejects.toThrow(/abort/i);
      expect(seen).toEqual(["n00999"]);
      await expect(all(backend, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    });

    it("refuses bad options before any statement; a missing table is a BackendError naming bootstrap()", async () => {
      await expect(all(backend, { pageSize: 0 })).rejects.toThrow(InvalidArgumentError);
      await expect(all(backend, { since: new Date(Number.NaN) })).rejects.toThrow(InvalidArgumentError);
      const missing = new DjangoPgBackend({ pool: scratch.pool, schema: scratch.schema, table: "nope" });
      const error = await all(missing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as Error).message).toMatch(/bootstrap\(\)/);
    });

    it("resumes exactly under a collation that is not byte order (ICU), still on the index", async () => {
      const { rows: icu } = await scratch.pool.query(
        `SELECT 1 FROM pg_collation WHERE collname = 'en-x-icu' AND collencoding IN (-1, pg_char_to_encoding(getdatabaseencoding()))`,
      );
      if (icu.length === 0) return; // a server built without ICU
      const schema = `${scratch.schema}_icu`;
      await scratch.pool.query(`CREATE SCHEMA ${schema}`);
      try {
        await scratch.pool.query(
          `CREATE TABLE ${schema}.nodestore_node (id varchar(40) COLLATE "en-x-icu" NOT NULL PRIMARY KEY, data text NOT NULL, "timestamp" timestamptz NOT NULL)`,
        );
        const icuBackend = new DjangoPgBackend({ pool: scratch.pool, schema });
        const mixed = [
          "a",
          "B",
          "ab",
          "Ab",
          "a-b",
          "a_c",
          "a b",
          "aB",
          "b",
          "A",
          "0f",
          "F0",
          "e9",
          "E8",
          "z",
          "Z",
        ];
        await icuBackend.setBytesMulti(mixed.map((id) => [id, new Uint8Array([1])]));
        const { rows } = await scratch.pool.query(`SELECT id FROM ${schema}.nodestore_node ORDER BY id`);
        const serverOrder = rows.map((r) => r.id as string);
        expect(serverOrder).not.toEqual([...mixed].sort()); // the test means something: not byte order
        for (const pageSize of [1, 2, 3, 5]) {
          expect(idsOf(await all(icuBackend, { pageSize }))).toEqual(serverOrder);
        }
        // Every cursor, resumed by a fresh object, gives exactly the rest.
        for (const [i, cursor] of serverOrder.entries()) {
          const fresh = new DjangoPgBackend({ pool: scratch.pool, schema });
          expect(idsOf(await all(fresh, { after: cursor, pageSize: 4 }))).toEqual(serverOrder.slice(i + 1));
        }
        const icuPlan = await plan(scanStatement(`${schema}.nodestore_node`, "a", undefined, undefined, 4));
        expect(icuPlan).toMatch(/Index Scan using nodestore_node_pkey/);
        expect(icuPlan).not.toMatch(/Sort/);
      } finally {
        await scratch.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      }
    });

    it("filters the window on the timestamp column, [since, until)", async () => {
      await scratch.pool.query(
        `UPDATE ${table} SET "timestamp" = '2020-01-01T00:00:00.000500Z' WHERE id < 'n00010'`,
      );
      await scratch.pool.query(
        `UPDATE ${table} SET "timestamp" = '2021-01-01T00:00:00Z' WHERE id = 'n00010'`,
      );
      const old = await all(backend, { until: new Date("2021-01-01T00:00:00Z") });
      const listed = old.flatMap((p) => p.nodes);
      expect(listed.map((n) => n.id)).toEqual(ids.slice(0, 10));
      expect(listed[0]!.timestamp!.toISOString()).toBe("2020-01-01T00:00:00.000Z");
      // since is inclusive, even for a stored time with microseconds past it
      const exact = await all(backend, {
        since: new Date("2020-01-01T00:00:00.000Z"),
        until: new Date("2020-01-02"),
      });
      expect(idsOf(exact)).toEqual(ids.slice(0, 10));
      const recent = await all(backend, { since: new Date("2021-01-01T00:00:00Z"), pageSize: 1_000 });
      expect(recent.map((p) => p.nodes.length)).toEqual([1_000, 1_000, 490]);
      expect(idsOf(recent)).toEqual(ids.slice(10));
      const sparse = await all(backend, { until: new Date("2021-01-01T00:00:00Z"), pageSize: 4 });
      expect(sparse.map((p) => p.cursor)).toEqual(["n00003", "n00007", "n00009"]);
    });
  });
}
