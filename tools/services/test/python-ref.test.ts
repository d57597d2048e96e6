import { deflateSync, inflateSync } from "node:zlib";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Client as OpenSearch } from "@opensearch-project/opensearch";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPythonRef, PythonRefError, pythonRef, s3Env, serviceEnv } from "../src/index.js";
import { s3ClientFor } from "./helpers/s3-smoke.js";

// The Python reference CLI (compat/ref.py) round-trips one node per backend, both ways:
// "Python writes, we read" (raw storage read here) and "we write, Python reads".
const py = serviceEnv("Python reference (pnpm services up --only python)", [
  "NODESTORE_PYTHON",
  "NODESTORE_REF_CLI",
]);

const ID = "0123456789abcdef0123456789abcdef";
// research/sentry-nodestore.md section 2.3, the worked example (here with b = 1.5: JS has no 1.0).
const MAIN = { event_id: ID, message: "h\u00e9llo \u{1F600}", b: 1.5, a: [1, 2] };
const SUBKEYS = { unprocessed: { x: true } };
const ENCODED =
  '{"a":[1,2],"b":1.5,"event_id":"0123456789abcdef0123456789abcdef","message":"h\\u00e9llo \\ud83d\\ude00"}\nunprocessed\n{"x":true}';
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
async function failure(p: Promise<unknown>): Promise<PythonRefError> {
  try {
    await p;
  } catch (e) {
    return e as PythonRefError;
  }
  throw new Error("expected ref.py to fail");
}

describe.skipIf(!py)("Python reference: codec", () => {
  it("encodes like Sentry's NodeStorage._encode", async () => {
    const r = await pythonRef.encode(MAIN, SUBKEYS);
    expect(text(r.encoded)).toBe(ENCODED);
    expect(text(inflateSync(r.zlib))).toBe(ENCODED);
    expect(r.djangoData).toBe(Buffer.from(r.zlib).toString("base64"));
    expect([...r.zstd.slice(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
  });

  it("decodes encoded bytes, zlib, zstd and Django data, main value and subkey", async () => {
    const r = await pythonRef.encode(MAIN, SUBKEYS);
    expect(await pythonRef.decode(utf8(ENCODED))).toEqual(MAIN);
    expect(await pythonRef.decode(utf8(ENCODED), { subkey: "unprocessed" })).toEqual({ x: true });
    expect(await pythonRef.decode(r.zlib, { from: "zlib" })).toEqual(MAIN);
    expect(await pythonRef.decode(r.zstd, { from: "zstd", subkey: "unprocessed" })).toEqual({ x: true });
    expect(await pythonRef.decode(r.djangoData, { from: "django" })).toEqual(MAIN);
    expect(await pythonRef.decode(utf8(ENCODED), { subkey: "missing" })).toBeNull();
  });

  it("keeps what JSON.stringify cannot (NaN, 1.0, big integers) through raw output", async () => {
    const out = await pythonRef.run(["codec", "decode", "--in", "b64"], {
      input: Buffer.from('{"n":NaN,"f":1.0,"i":123456789012345678901234567890}').toString("base64"),
      raw: true,
    });
    expect(out.trim()).toBe('{"f": 1.0, "i": 123456789012345678901234567890, "n": NaN}');
  });

  it("fails with a non-zero exit and one error line", async () => {
    const err = await failure(pythonRef.run(["codec", "decode", "--from", "zlib"], { input: "AAAA" }));
    expect(err).toBeInstanceOf(PythonRefError);
    expect(err.code).toBe(1);
    expect(err.message).toMatch(/^ref\.py: error: zlib\.error: Error -3 while decompressing/);
    expect((err.stderr ?? "").trim().split("\n")).toHaveLength(1);
    const usage = await failure(pythonRef.run(["django", "get"]));
    expect(usage.code).toBe(2);
  });

  it("loads the real sentry-tablestore plugin (one-line error against an unreachable endpoint)", async () => {
    const versions = await pythonRef.versions();
    expect(versions["sentry-tablestore"]).toBe("1.0.0b2.post1");
    expect(versions["sentry-opensearch-nodestore"]).toMatch(/^1\.2\./);
    const err = await failure(
      pythonRef.get("tablestore", ID, {
        args: ["--ots-endpoint", "http://127.0.0.1:9", "--ots-no-retry", "--ots-timeout", "2"],
      }),
    );
    expect(err).toBeInstanceOf(PythonRefError);
    expect(err.message).toMatch(/^ref\.py: error: \w+: .*Connection refused/);
  });
});

describe.skipIf(!py || !serviceEnv("NODESTORE_PG_URL"))("Python reference: django (nodestore_node)", () => {
  const table = `smoke_ref_node_${process.pid}`;
  const opts = { args: ["--table", table] };
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.NODESTORE_PG_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await client.end();
  });

  it("Python writes, we read the row: data = base64(zlib(encoded))", async () => {
    await pythonRef.put("django", ID, MAIN, { ...opts, subkeys: SUBKEYS });
    const { rows } = await client.query(`SELECT data, "timestamp" FROM ${table} WHERE id = $1`, [ID]);
    expect(rows).toHaveLength(1);
    expect(text(inflateSync(Buffer.from(rows[0].data, "base64")))).toBe(ENCODED);
    expect(rows[0].timestamp).toBeInstanceOf(Date);
  });

  it("we write the row, Python reads it", async () => {
    const id = "fedcba9876543210fedcba9876543210";
    const data = deflateSync(utf8(ENCODED)).toString("base64");
    await client.query(`INSERT INTO ${table} (id, data, "timestamp") VALUES ($1, $2, now())`, [id, data]);
    expect(await pythonRef.get("django", id, opts)).toEqual(MAIN);
    expect(await pythonRef.get("django", id, { ...opts, subkey: "unprocessed" })).toEqual({ x: true });
    expect(text((await pythonRef.getBytes("django", id, opts))!)).toBe(ENCODED);
    await pythonRef.delete("django", [ID, id], opts);
    // Django's get_multi omits missing ids.
    expect(await pythonRef.getMulti("django", [ID, id], opts)).toEqual({});
  });
});

describe.skipIf(!py || !s3Env())("Python reference: s3 (sentry-nodestore-s3 format)", () => {
  const prefix = `smoke-ref-${process.pid}`;
  const opts = { args: ["--bucket-path", prefix] };

  it("Python writes (zstd, Content-Encoding: zstd), we read the object", async () => {
    const big = { ...MAIN, padding: "x".repeat(2000) };
    await pythonRef.put("s3", ID, big, opts);
    const client = s3ClientFor(s3Env()!);
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: "nodestore", Key: `${prefix}/${ID}` }));
      expect(got.ContentEncoding).toBe("zstd");
      const body = await got.Body!.transformToByteArray();
      expect([...body.slice(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
      expect(await pythonRef.decode(body, { from: "zstd" })).toEqual(big);
    } finally {
      client.destroy();
    }
    const stored = (await pythonRef.inspect("s3", ID, opts)) as { key: string; content_encoding: string };
    expect(stored.key).toBe(`${prefix}/${ID}`);
    expect(stored.content_encoding).toBe("zstd");
  });

  it("we write raw and zstd objects, Python reads both; sharded keys too", async () => {
    const client = s3ClientFor(s3Env()!);
    const enc = await pythonRef.encode(MAIN, SUBKEYS);
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: "nodestore",
          Key: `${prefix}/raw1`,
          Body: utf8(ENCODED),
          ContentEncoding: "",
        }),
      );
      await client.send(
        new PutObjectCommand({
          Bucket: "nodestore",
          Key: `${prefix}/zstd1`,
          Body: enc.zstd,
          ContentEncoding: "zstd",
        }),
      );
      await client.send(
        new PutObjectCommand({
          Bucket: "nodestore",
          Key: `${prefix}/${ID.slice(0, 2)}/${ID.slice(2, 6)}/${ID.slice(6)}`,
          Body: enc.zstd,
          ContentEncoding: "zstd",
        }),
      );
    } finally {
      client.destroy();
    }
    expect(await pythonRef.get("s3", "raw1", opts)).toEqual(MAIN);
    expect(await pythonRef.get("s3", "zstd1", { ...opts, subkey: "unprocessed" })).toEqual({ x: true });
    expect(await pythonRef.get("s3", ID, { args: [...opts.args, "--sharding"] })).toEqual(MAIN);
    await pythonRef.delete("s3", [ID, "raw1", "zstd1"], opts);
    await pythonRef.delete("s3", ID, { args: [...opts.args, "--sharding"] });
    expect(await pythonRef.getMulti("s3", [ID, "raw1", "zstd1"], opts)).toEqual({
      [ID]: null,
      raw1: null,
      zstd1: null,
    });
  });
});

describe.skipIf(!py || !serviceEnv("NODESTORE_OPENSEARCH_URL"))(
  "Python reference: opensearch (real plugin)",
  () => {
    const name = `smokeref-${process.pid}`;
    // Its own template, alias and index pattern, so other suites' `sentry` template and alias are untouched.
    const ref = createPythonRef({ env: { SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN: `${name}-*` } });
    const opts = { args: ["--os-template", name, "--os-alias", name, "--os-index", `${name}-{date}`] };
    let client: OpenSearch;

    beforeAll(() => {
      client = new OpenSearch({ node: process.env.NODESTORE_OPENSEARCH_URL! });
    });

    afterAll(async () => {
      await client.indices.delete({ index: `${name}-*` }).catch(() => {});
      await client.indices.deleteIndexTemplate({ name }).catch(() => {});
      await client.close();
    });

    it("Python writes (bootstrap + set), we read the stored `data` field", async () => {
      await ref.put("opensearch", ID, MAIN, { ...opts, subkeys: SUBKEYS });
      await client.indices.refresh({ index: name });
      const found = await client.search({
        index: name,
        body: { query: { ids: { values: [ID] } } },
        stored_fields: ["data", "timestamp"],
      });
      const hit = found.body.hits.hits[0]!;
      expect(hit._index).toMatch(new RegExp(`^${name}-\\d{4}-\\d{2}-\\d{2}$`));
      const data = (hit.fields as Record<string, string[]>).data![0]!;
      expect(text(inflateSync(Buffer.from(data, "base64")))).toBe(ENCODED);
    });

    it("we write a document, Python reads it through the alias", async () => {
      const id = "fedcba9876543210fedcba9876543210";
      const index = `${name}-${new Date().toISOString().slice(0, 10)}`;
      const data = deflateSync(utf8(ENCODED)).toString("base64");
      await client.index({ index, id, body: { data, timestamp: new Date().toISOString() }, refresh: true });
      expect(await ref.get("opensearch", id, opts)).toEqual(MAIN);
      expect(await ref.get("opensearch", id, { ...opts, subkey: "unprocessed" })).toEqual({ x: true });
      await ref.delete("opensearch", [ID, id], opts);
      expect(await ref.get("opensearch", id, opts)).toBeNull();
    });
  },
);
