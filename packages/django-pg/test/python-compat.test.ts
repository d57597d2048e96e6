import { randomUUID } from "node:crypto";
import { encodeNodeData, NodeStore } from "@nodestore/core";
import { pythonRef, serviceEnv } from "@nodestore/services";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";

// Sentry's own Django nodestore code path (the `sentry` shim over psycopg2, Sentry's _encode/_decode and
// simplejson settings) against our backend, on the same table.
const url = serviceEnv("PostgreSQL", ["NODESTORE_PG_URL"])?.NODESTORE_PG_URL;
const python = serviceEnv("Python reference", ["NODESTORE_PYTHON", "NODESTORE_REF_CLI"]);

describe.skipIf(!url || !python)("django-pg <-> Sentry's Python DjangoNodeStorage on the same table", () => {
  const table = `nodestore_node_py${randomUUID().replace(/-/g, "").slice(0, 10)}`;
  const ref = { args: ["--table", table] };
  let pool: pg.Pool;
  let store: NodeStore;
  const id = () => randomUUID().replace(/-/g, "");

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url });
    store = new NodeStore(new DjangoPgBackend({ pool, table }));
    await store.bootstrap();
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS "${table}"`);
    await pool.end();
  });

  it("Python writes (set_subkeys), we read the main payload, the subkey and the exact bytes", async () => {
    const node = id();
    const main = { event_id: node, message: "héllo 😀", tags: [["level", "error"]], n: 1.5 };
    await pythonRef.put("django", node, main, { ...ref, subkeys: { unprocessed: { raw: true } } });
    expect(await store.get(node)).toEqual(main);
    expect(await store.get(node, "unprocessed")).toEqual({ raw: true });
    const pythonBytes = await pythonRef.getBytes("django", node, ref);
    expect(Buffer.from((await store.getBytes(node))!).equals(Buffer.from(pythonBytes!))).toBe(true);
    expect(Buffer.from(pythonBytes!).toString("latin1")).toBe(
      Buffer.from(encodeNodeData(main, [["unprocessed", { raw: true }]])).toString("latin1"),
    );
  });

  it("Python writes values JS numbers cannot hold; we keep them (bigint, NaN) and rewrite them byte for byte", async () => {
    const node = id();
    await pythonRef.putJson("django", node, '{"big":18446744073709551616,"f":1.0,"e":1e+16,"nan":NaN}', ref);
    const got = (await store.get(node)) as Record<string, unknown>;
    expect(got.big).toBe(18446744073709551616n);
    expect(got.nan).toBeNaN();
    expect(Buffer.from((await store.getBytes(node))!).toString()).toBe(
      '{"big":18446744073709551616,"e":1e+16,"f":1.0,"nan":NaN}',
    );
  });

  it("we write (set_subkeys, setMulti), Sentry's Python reader decodes it", async () => {
    const [a, b] = [id(), id()];
    const main = { _ref: 1, _ref_version: 2, message: "ünïcode ✓", list: [1, 2.5, null] };
    await store.setSubkeys(a, { main, subkeys: { unprocessed: { x: [1] } } });
    await store.setMulti([{ id: b, main: { b: true } }]);
    expect(await pythonRef.get("django", a, ref)).toEqual(main);
    expect(await pythonRef.get("django", a, { ...ref, subkey: "unprocessed" })).toEqual({ x: [1] });
    expect(await pythonRef.get("django", b, ref)).toEqual({ b: true });
    // Django's get_multi omits missing ids; ours returns them as null.
    const missing = id();
    expect(await pythonRef.getMulti("django", [a, b, missing], ref)).toEqual({ [a]: main, [b]: { b: true } });
    expect((await store.getMulti([a, b, missing])).get(missing)).toBeNull();
  });

  it("deletes are seen on the other side, both ways", async () => {
    const [a, b] = [id(), id()];
    await store.set(a, { a: 1 });
    await pythonRef.put("django", b, { b: 1 }, ref);
    await pythonRef.delete("django", a, ref);
    await store.delete(b);
    expect(await store.get(a)).toBeNull();
    expect(await pythonRef.get("django", b, ref)).toBeNull();
  });
});
