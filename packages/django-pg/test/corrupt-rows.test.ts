import { constants, deflateRawSync, inflateSync } from "node:zlib";
import {
  CorruptNode,
  CorruptNodeError,
  DEFAULT_MAX_VALUE_BYTES,
  NodeStore,
  PayloadTooLargeError,
  zlibBase64,
} from "@nodestore/core";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { postgresTargets, scratchSchema } from "./helpers.js";

// Damaged rows in the real table (issue #10 cases 6 and 7): each bad row is reported on its own, naming its id,
// and the good rows of the same batch are served; a decompression bomb stops at maxValueBytes.

const MiB = 1024 * 1024;

/**
 * A valid zlib stream of `mib` MiB of zeros, built without inflating anything: one raw-deflate piece for 1 MiB
 * of zeros ending on a byte boundary (full flush, dictionary reset), repeated, then an empty final block and
 * the Adler-32 of the zeros (a = 1, b = length mod 65521). 700 MiB is a 726 kB stream, a 968 kB row.
 */
function zlibBomb(mib: number): Buffer {
  const piece = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((mib * MiB) % 65521) * 65536 + 1) >>> 0);
  return Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array<Buffer>(mib).fill(piece),
    Buffer.from([3, 0]),
    adler,
  ]);
}

/** Settles, or fails the test, well before anything would look like a hang. */
async function within<T>(call: Promise<T>, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const targets = postgresTargets();
if (targets.length === 0) it.skip("PostgreSQL is not configured", () => {});

for (const target of targets) {
  describe(`damaged rows on ${target.label}`, () => {
    let pool: pg.Pool;
    let schema: string;
    let drop: () => Promise<void>;
    let backend: DjangoPgBackend;
    const bomb = zlibBomb(700).toString("base64");

    const insert = (id: string, data: string) =>
      pool.query(`INSERT INTO ${schema}.nodestore_node VALUES ($1, $2, now())`, [id, data]);
    const dataOf = async (id: string) =>
      (await pool.query(`SELECT data FROM ${schema}.nodestore_node WHERE id = $1`, [id])).rows[0]?.data;

    beforeAll(async () => {
      ({ pool, schema, drop } = await scratchSchema(target.url));
      backend = new DjangoPgBackend({ pool, schema });
      await backend.bootstrap();
      await insert("c-ok", zlibBase64.encode(Buffer.from('{"ok":true}')));
      await insert("c-notb64", "not base64!");
      await insert("c-notzlib", Buffer.from("plain text, not zlib").toString("base64"));
      await insert("c-bomb", bomb);
      await insert("c-ok2", zlibBase64.encode(Buffer.from('{"ok":2}')));
    });
    afterAll(async () => drop());

    it("the bomb is a valid zlib stream (its construction, checked small)", () => {
      const small = inflateSync(zlibBomb(3));
      expect(small.byteLength).toBe(3 * MiB);
      expect(small.every((b) => b === 0)).toBe(true);
      expect(bomb.length).toBeGreaterThan(900_000);
      expect(bomb.length).toBeLessThan(1_000_000);
    });

    it("getMulti serves the good rows and returns a CorruptNode naming each bad one (c-notb64, not zlib, bomb)", async () => {
      const store = new NodeStore(backend);
      const ids = ["c-ok", "c-notb64", "c-notzlib", "c-bomb", "c-missing", "c-ok2"];
      const got = await within(store.getMulti(ids));
      expect([...got.keys()]).toEqual(ids);
      expect(got.get("c-ok")).toEqual({ ok: true });
      expect(got.get("c-ok2")).toEqual({ ok: 2 });
      expect(got.get("c-missing")).toBeNull();
      for (const [id, layer] of [
        ["c-notb64", "base64"],
        ["c-notzlib", "zlib"],
        ["c-bomb", "zlib"],
      ] as const) {
        const marker = got.get(id);
        expect(marker, id).toBeInstanceOf(CorruptNode);
        const { error } = marker as CorruptNode;
        expect((marker as CorruptNode).id).toBe(id);
        expect(error).toBeInstanceOf(CorruptNodeError);
        expect(error).toMatchObject({ id, layer, backend: "django-pg", retryable: false });
        expect(error.message).toContain(`Node "${id}" in backend "django-pg"`);
      }
      // Reading never rewrites: the damaged rows are as they were.
      expect(await dataOf("c-notb64")).toBe("not base64!");
      expect(await dataOf("c-bomb")).toBe(bomb);
    });

    it("the backend's getBytesMulti returns each bad row's CorruptNodeError as its value, not thrown", async () => {
      const got = await within(backend.getBytesMulti(["c-ok", "c-notb64", "c-bomb"]));
      expect(Buffer.from(got.get("c-ok") as Uint8Array).toString()).toBe('{"ok":true}');
      expect(got.get("c-notb64")).toBeInstanceOf(CorruptNodeError);
      expect(got.get("c-notb64")).toMatchObject({ id: "c-notb64", layer: "base64" });
      expect(got.get("c-bomb")).toMatchObject({ id: "c-bomb", layer: "zlib" });
    });

    it("with corruptNodes: 'throw', getMulti throws the CorruptNodeError naming the bad id", async () => {
      const strict = new NodeStore(backend, { corruptNodes: "throw" });
      const error = await within(strict.getMulti(["c-ok", "c-notb64"]).catch((e: unknown) => e));
      expect(error).toBeInstanceOf(CorruptNodeError);
      expect(error).toMatchObject({ id: "c-notb64", layer: "base64", backend: "django-pg" });
      expect(await strict.getMulti(["c-ok"])).toEqual(new Map([["c-ok", { ok: true }]]));
    });

    it("a 968 kB row inflating to 700 MiB stops at maxValueBytes (64 MiB by default) with a typed error naming the id", async () => {
      expect(backend.maxValueBytes).toBe(DEFAULT_MAX_VALUE_BYTES);
      const error = await within(new NodeStore(backend).get("c-bomb").catch((e: unknown) => e));
      expect(error).toBeInstanceOf(CorruptNodeError);
      expect(error).toMatchObject({ id: "c-bomb", layer: "zlib", backend: "django-pg", retryable: false });
      expect((error as Error).message).toMatch(
        new RegExp(
          `Node "c-bomb" in backend "django-pg" .*decompresses past ${DEFAULT_MAX_VALUE_BYTES} bytes`,
        ),
      );
      expect((error as Error).message.length).toBeLessThan(500);
    });

    it("maxValueBytes is an option: a smaller bound refuses larger writes before SQL and reads larger rows as corrupt", async () => {
      const big = Buffer.from(JSON.stringify({ pad: "x".repeat(2 * MiB) }));
      await new NodeStore(backend).setBytes("c-2mib", big);
      const small = new DjangoPgBackend({ pool, schema, maxValueBytes: MiB });
      expect(small.maxValueBytes).toBe(MiB);
      const store = new NodeStore(small);
      const read = await within(store.get("c-2mib").catch((e: unknown) => e));
      expect(read).toBeInstanceOf(CorruptNodeError);
      expect(read).toMatchObject({ id: "c-2mib", layer: "zlib" });
      expect((read as Error).message).toContain(`decompresses past ${MiB} bytes`);

      const write = await store.setBytes("c-2mib-new", big).catch((e: unknown) => e);
      expect(write).toBeInstanceOf(PayloadTooLargeError);
      expect(write).toMatchObject({ id: "c-2mib-new", limit: MiB });
      expect(await dataOf("c-2mib-new")).toBeUndefined();
      expect(() => new DjangoPgBackend({ pool, schema, maxValueBytes: 0 })).toThrow(RangeError);
    });
  });
}
