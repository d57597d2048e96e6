import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  CorruptNodeError,
  encodeNodeData,
  InvalidIdError,
  LegacyPickleNode,
  NodeStore,
  zlibBase64,
} from "@nodestore/core";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { postgresTargets, scratchSchema, serverVersion } from "./helpers.js";

interface GoldenRow {
  name: string;
  kind: string;
  main?: unknown;
  subkeys?: Array<[string, unknown]>;
  subkey?: string | null;
  expected?: unknown;
  encoded: string;
  django_data: string;
}
// Golden vectors produced by Python (simplejson as Sentry configures it, zlib, base64): a copy kept in core.
const golden: GoldenRow[] = readFileSync(
  new URL("../../core/test/fixtures/codec.jsonl", import.meta.url),
  "utf8",
)
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l));

function python(code: string, input: string): string {
  const result = spawnSync(process.env.NODESTORE_PYTHON ?? "python3", ["-c", code], {
    input,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return result.stdout;
}

/** The pool, recording every `query` and `connect` (the backend checks a connection out per statement). */
function countingPool(pool: pg.Pool): { counting: pg.Pool; queries: string[] } {
  const queries: string[] = [];
  const counting = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === "query" || prop === "connect")
        return (...args: unknown[]) => {
          queries.push(String(prop));
          return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
        };
      return Reflect.get(target, prop, receiver);
    },
  });
  return { counting, queries };
}

const targets = postgresTargets();
if (targets.length === 0) it.skip("PostgreSQL is not configured", () => {});

for (const target of targets) {
  describe(`Sentry's Django table format on ${target.label}`, () => {
    let pool: pg.Pool;
    let schema: string;
    let drop: () => Promise<void>;
    let store: NodeStore;
    const table = () => `${schema}.nodestore_node`;

    beforeAll(async () => {
      ({ pool, schema, drop } = await scratchSchema(target.url));
      store = new NodeStore(new DjangoPgBackend({ pool, schema }));
      await store.bootstrap();
      console.log(`django-pg tests on PostgreSQL ${await serverVersion(pool)} (${target.label})`);
    });
    afterAll(async () => drop());

    it("bootstrap creates Sentry's table: varchar(40) primary key, text, timestamptz, timestamp index", async () => {
      const { rows } = await pool.query(
        `SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'nodestore_node' ORDER BY ordinal_position`,
        [schema],
      );
      expect(rows).toEqual([
        {
          column_name: "id",
          data_type: "character varying",
          character_maximum_length: 40,
          is_nullable: "NO",
        },
        { column_name: "data", data_type: "text", character_maximum_length: null, is_nullable: "NO" },
        {
          column_name: "timestamp",
          data_type: "timestamp with time zone",
          character_maximum_length: null,
          is_nullable: "NO",
        },
      ]);
      const indexes = await pool.query("SELECT indexdef FROM pg_indexes WHERE schemaname = $1", [schema]);
      expect(indexes.rows.map((r) => r.indexdef).join("\n")).toMatch(/USING btree \("timestamp"\)/);
    });

    it("bootstrap leaves an existing table alone", async () => {
      await pool.query(
        `CREATE TABLE ${schema}.existing (id varchar(40) PRIMARY KEY, data text NOT NULL, "timestamp" timestamptz NOT NULL, extra int)`,
      );
      await new NodeStore(new DjangoPgBackend({ pool, schema, table: "existing" })).bootstrap();
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'existing'",
      );
      expect(rows[0].n).toBe(1); // only the primary key: no index added
      const cols = await pool.query(
        "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'existing'",
        [schema],
      );
      expect(cols.rows[0].n).toBe(4);
    });

    it("reads every golden vector's django_data inserted verbatim, as Sentry wrote it", async () => {
      const rows = golden.map((g, i) => ({ id: `golden-${i}`, g }));
      await pool.query(
        `INSERT INTO ${table()} (id, data, "timestamp") SELECT id, data, now() FROM unnest($1::text[], $2::text[]) AS t(id, data)`,
        [rows.map((r) => r.id), rows.map((r) => r.g.django_data)],
      );
      const got = await store.getBytesMulti(rows.map((r) => r.id));
      expect(got.size).toBe(65);
      for (const { id, g } of rows) {
        expect(Buffer.from(got.get(id)!).toString("latin1"), g.name).toBe(g.encoded);
        if (g.kind === "encode") {
          expect(await store.get(id), g.name).toEqual(g.main);
          for (const [name, value] of g.subkeys ?? [])
            expect(await store.get(id, name), g.name).toEqual(value);
        }
      }
    });

    it("writes rows Python reads: zlib.decompress(base64.b64decode(data)) gives Sentry's encoding", async () => {
      const encodeRows = golden.filter((g) => g.kind === "encode");
      await store.setMulti(
        encodeRows.map((g, i) => ({
          id: `ours-${i}`,
          main: g.main as Record<string, unknown>,
          subkeys: g.subkeys,
        })),
      );
      const { rows } = await pool.query<{ id: string; data: string; timestamp: Date }>(
        `SELECT id, data, "timestamp" FROM ${table()} WHERE id LIKE 'ours-%' ORDER BY substr(id, 6)::int`,
      );
      expect(rows).toHaveLength(encodeRows.length);
      for (const row of rows) {
        expect(row.data).toMatch(/^eJ[A-Za-z0-9+/]*={0,2}$/);
        expect(Math.abs(row.timestamp.getTime() - Date.now())).toBeLessThan(10 * 60_000);
      }
      const decoded = python(
        "import sys,zlib,base64\nfor l in sys.stdin.read().split('\\n'):\n    sys.stdout.write(zlib.decompress(base64.b64decode(l)).decode('ascii')+'\\x00')",
        rows.map((r) => r.data).join("\n"),
      ).split("\0");
      encodeRows.forEach((g, i) => {
        expect(decoded[i], g.name).toBe(g.encoded);
      });
    });

    it("upserts: a second write replaces data and moves the timestamp", async () => {
      await store.set("upsert", { v: 1 });
      await pool.query(`UPDATE ${table()} SET "timestamp" = '2001-01-01' WHERE id = 'upsert'`);
      await store.set("upsert", { v: 2 });
      const { rows } = await pool.query(`SELECT data, "timestamp" FROM ${table()} WHERE id = 'upsert'`);
      expect(rows).toHaveLength(1);
      expect(Buffer.from(zlibBase64.decode(rows[0].data)).toString()).toBe('{"v":2}');
      expect(rows[0].timestamp.getUTCFullYear()).toBeGreaterThan(2001);
    });

    it("returns legacy pickled rows as LegacyPickleNode without failing the batch, or {} like Sentry", async () => {
      const pickled = python(
        "import pickle,zlib,base64,sys\nsys.stdout.write(base64.b64encode(zlib.compress(pickle.dumps({'a': 1}, 2))).decode())",
        "",
      );
      await pool.query(`INSERT INTO ${table()} VALUES ('legacy', $1, now())`, [pickled]);
      await store.set("modern", { m: 1 });
      const got = await store.getMulti(["legacy", "modern"]);
      expect(got.get("legacy")).toBeInstanceOf(LegacyPickleNode);
      expect(got.get("modern")).toEqual({ m: 1 });
      const sentryLike = new NodeStore(new DjangoPgBackend({ pool, schema }), { legacyPickle: "empty" });
      expect(await sentryLike.get("legacy")).toEqual({});
    });

    it("names the row and the layer when data is corrupt", async () => {
      await pool.query(
        `INSERT INTO ${table()} VALUES ('bad-b64', 'not base64!', now()), ('bad-zlib', $1, now())`,
        [Buffer.from("plain text, not zlib").toString("base64")],
      );
      for (const [id, layer] of [
        ["bad-b64", "base64"],
        ["bad-zlib", "zlib"],
      ] as const) {
        const error = await store.get(id).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CorruptNodeError);
        expect(error).toMatchObject({ id, layer, backend: "django-pg" });
      }
    });

    it("refuses ids longer than 40 characters before any SQL", async () => {
      const { counting, queries } = countingPool(pool);
      const guarded = new NodeStore(new DjangoPgBackend({ pool: counting, schema }));
      const long = "x".repeat(41);
      await expect(guarded.set(long, {})).rejects.toBeInstanceOf(InvalidIdError);
      await expect(guarded.get(long)).rejects.toThrow(/longer than 40 characters.*|django-pg/);
      await expect(guarded.getMulti(["ok", long])).rejects.toBeInstanceOf(InvalidIdError);
      expect(queries).toEqual([]);
      await guarded.get("x".repeat(40)); // the counter sees the statements the backend does run
      expect(queries).toEqual(["connect"]);
    });

    it("refuses ids that are not well-formed Unicode before any SQL: lone surrogates never collide as U+FFFD", async () => {
      const { counting, queries } = countingPool(pool);
      const guarded = new NodeStore(new DjangoPgBackend({ pool: counting, schema }));
      const rowsBefore = (await pool.query(`SELECT id, data FROM ${table()} ORDER BY id`)).rows;
      for (const id of ["\ud800", "\udfff", "a\udc00b", "\ud83d"]) {
        const calls: Array<() => Promise<unknown>> = [
          () => guarded.set(id, { which: "A" }),
          () => guarded.get(id),
          () => guarded.getMulti([id]),
          () => guarded.getMulti(["ok-id", id]),
          () => guarded.getBytes(id),
          () => guarded.setMulti([{ id, main: {} }]),
          () => guarded.delete(id),
          () => guarded.deleteMulti(["ok-id", id]),
        ];
        for (const call of calls) {
          const error = await call().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidIdError);
          expect(error).toMatchObject({ id, retryable: false, code: "INVALID_ID" });
          expect((error as Error).message).toMatch(/not well-formed Unicode/);
        }
      }
      expect(queries).toEqual([]);
      expect((await pool.query(`SELECT id, data FROM ${table()} ORDER BY id`)).rows).toEqual(rowsBefore);
      // A surrogate pair is well-formed: stored and read back exactly, distinct from its neighbours.
      await store.set("\ud83d\ude00", { emoji: 1 });
      await store.set("\ud83d\ude01", { emoji: 2 });
      expect(await store.get("\ud83d\ude00")).toEqual({ emoji: 1 });
      const { rows } = await pool.query(`SELECT id FROM ${table()} WHERE id LIKE '%😀%' OR id LIKE '%😁%'`);
      expect(rows.map((r) => r.id).sort()).toEqual(["😀", "😁"]);
    });

    it("bytes written by setBytes round-trip exactly (indexstore-style raw JSON too)", async () => {
      const raw = encodeNodeData({ bundle: [1, 2, 3] });
      await store.setBytes("bundle_index:1:abc", raw);
      expect(Buffer.from((await store.getBytes("bundle_index:1:abc"))!).equals(Buffer.from(raw))).toBe(true);
    });
  });
}
