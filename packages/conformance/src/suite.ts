import { randomUUID } from "node:crypto";
import {
  CorruptNodeError,
  encodeNodeData,
  eventNodeId,
  InvalidDataError,
  InvalidIdError,
  type NodeStore,
  NotSupportedError,
} from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goldenPayloads } from "./golden.js";

export interface ConformanceOptions {
  /** Shown in the describe() title, e.g. "django-pg on PostgreSQL 15". */
  readonly name: string;
  /**
   * A store over a namespace of its own (table, key prefix, index): the suite writes, deletes and cleans
   * up everything in it. Called once before the tests.
   */
  readonly createStore: () => NodeStore | Promise<NodeStore>;
  /** Called once after the tests; default: `store.close()`. */
  readonly destroyStore?: (store: NodeStore) => void | Promise<void>;
  /** Size of the large-value test, in bytes of encoded JSON. Default 4 MiB. */
  readonly largeValueBytes?: number;
  /** Nodes written at once by the concurrency tests. Default 64. */
  readonly concurrentWrites?: number;
}

/**
 * The contract every backend keeps (Sentry's NodeStorage semantics plus ours), run against a real server.
 * Tests in a file run in order; the cleanup test runs last because it empties the namespace.
 */
export function runConformanceSuite(options: ConformanceOptions): void {
  describe(`nodestore conformance: ${options.name}`, () => {
    let store: NodeStore;
    const run = randomUUID().replace(/-/g, "").slice(0, 8);
    let seq = 0;
    // Event-shaped ids (32 hex) unique per run, so a shared server never sees collisions between runs.
    const newId = () => eventNodeId(1, `${run}${String(seq++).padStart(24, "0")}`);

    beforeAll(async () => {
      store = await options.createStore();
      await store.bootstrap();
    }, 120_000);
    afterAll(async () => {
      if (store) await (options.destroyStore ? options.destroyStore(store) : store.close());
    }, 120_000);

    describe("get and set", () => {
      it("returns null for a node that was never written", async () => {
        const id = newId();
        expect(await store.get(id)).toBeNull();
        expect(await store.get(id, "unprocessed")).toBeNull();
        expect(await store.getBytes(id)).toBeNull();
      });

      it("reads back what set() wrote", async () => {
        const id = newId();
        const data = { event_id: id, message: "héllo 😀 ünïcode ‮rtl", n: 1.5, list: [1, "two", null, true] };
        await store.set(id, data);
        expect(await store.get(id)).toEqual(data);
      });

      it("stores exactly the bytes the codec produces (Sentry's format, byte for byte)", async () => {
        const id = newId();
        const main = { b: 1, a: { z: [1, 2], y: "é" } };
        const subkeys: Array<[string, unknown]> = [["unprocessed", { x: true }]];
        await store.setSubkeys(id, { main, subkeys });
        expect(bytesOf(await store.getBytes(id))).toBe(bytesOf(encodeNodeData(main, subkeys)));
      });

      it("keeps golden payloads written by Python byte for byte through setBytes/getBytes, and decodes them", async () => {
        for (const golden of goldenPayloads) {
          const id = newId();
          await store.setBytes(id, golden.bytes);
          expect(bytesOf(await store.getBytes(id)), golden.name).toBe(bytesOf(golden.bytes));
          expect(await store.get(id), golden.name).toEqual(golden.main);
        }
      });

      it("stores arbitrary bytes through setBytes (every byte value)", async () => {
        const id = newId();
        const bytes = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) % 256);
        await store.setBytes(id, bytes);
        expect(Buffer.from((await store.getBytes(id))!).equals(Buffer.from(bytes))).toBe(true);
      });

      it("overwrites fully: set() drops subkeys written earlier", async () => {
        const id = newId();
        await store.setSubkeys(id, { main: { v: 1 }, subkeys: { unprocessed: { raw: true } } });
        expect(await store.get(id, "unprocessed")).toEqual({ raw: true });
        await store.set(id, { v: 2 });
        expect(await store.get(id)).toEqual({ v: 2 });
        expect(await store.get(id, "unprocessed")).toBeNull();
      });

      it("accepts every id shape Sentry writes", async () => {
        const ids = [
          `i-o:${newId()}`,
          `e-g-f:${newId()}`,
          `s:1:${newId()}`,
          `${run}AbC+/xyz12345==`, // legacy NodeField id: base64 of a uuid4, 24 chars
          `bundle_index:1:${run}`,
        ];
        for (const id of ids) {
          await store.set(id, { id });
          expect(await store.get(id), id).toEqual({ id });
          await store.delete(id);
          expect(await store.get(id), id).toBeNull();
        }
      });
    });

    describe("subkeys", () => {
      it("reads the main payload and each subkey; a missing subkey is null", async () => {
        const id = newId();
        await store.setSubkeys(id, {
          main: { main: true },
          subkeys: [
            ["unprocessed", { event_id: id }],
            ["other", [1, 2, 3]],
          ],
        });
        expect(await store.get(id)).toEqual({ main: true });
        expect(await store.get(id, "unprocessed")).toEqual({ event_id: id });
        expect(await store.get(id, "other")).toEqual([1, 2, 3]);
        expect(await store.get(id, "absent")).toBeNull();
      });

      it("getMulti with a subkey returns that subkey for every id", async () => {
        const [a, b] = [newId(), newId()];
        await store.setSubkeys(a, { main: { n: "a" }, subkeys: { unprocessed: { n: "a-raw" } } });
        await store.set(b, { n: "b" });
        const got = await store.getMulti([a, b], "unprocessed");
        expect([...got]).toEqual([
          [a, { n: "a-raw" }],
          [b, null],
        ]);
      });
    });

    describe("getMulti", () => {
      it("removes duplicates keeping order and returns every id, null when missing", async () => {
        const [a, b, missing] = [newId(), newId(), newId()];
        await store.set(a, { n: 1 });
        await store.set(b, { n: 2 });
        const got = await store.getMulti([b, missing, a, b, missing]);
        expect([...got.keys()]).toEqual([b, missing, a]);
        expect(got.get(a)).toEqual({ n: 1 });
        expect(got.get(b)).toEqual({ n: 2 });
        expect(got.get(missing)).toBeNull();
      });

      it("handles an empty list and a batch of 250", async () => {
        expect((await store.getMulti([])).size).toBe(0);
        const ids = Array.from({ length: 250 }, newId);
        await store.setMulti(ids.filter((_, i) => i % 2 === 0).map((id) => ({ id, main: { id } })));
        const got = await store.getMulti(ids);
        expect(got.size).toBe(250);
        ids.forEach((id, i) => {
          expect(got.get(id)).toEqual(i % 2 === 0 ? { id } : null);
        });
      });
    });

    describe("delete", () => {
      it("deletes, and deleting again or deleting a missing node succeeds", async () => {
        const id = newId();
        await store.set(id, { x: 1 });
        await store.delete(id);
        expect(await store.get(id)).toBeNull();
        await store.delete(id);
        await store.delete(newId());
      });

      it("deleteMulti is idempotent and ignores duplicates and missing ids", async () => {
        const ids = Array.from({ length: 30 }, newId);
        await store.setMulti(ids.map((id) => ({ id, main: { id } })));
        const keep = newId();
        await store.set(keep, { keep: true });
        await store.deleteMulti([...ids, ...ids.slice(0, 5), newId()]);
        const got = await store.getMulti([...ids, keep]);
        for (const id of ids) expect(got.get(id)).toBeNull();
        expect(got.get(keep)).toEqual({ keep: true });
        await store.deleteMulti(ids);
        await store.deleteMulti([]);
      });
    });

    describe("bad input is refused before anything is written", () => {
      it("refuses a main value that is not a JSON object", async () => {
        const id = newId();
        for (const bad of [null, [1, 2], "text", 42, true]) {
          await expect(store.set(id, bad as never)).rejects.toBeInstanceOf(InvalidDataError);
        }
        expect(await store.getBytes(id)).toBeNull();
      });

      it("refuses values JSON cannot hold", async () => {
        const id = newId();
        await expect(store.set(id, { when: new Date() })).rejects.toBeInstanceOf(InvalidDataError);
        await expect(store.set(id, { u: undefined })).rejects.toBeInstanceOf(InvalidDataError);
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        await expect(store.set(id, circular)).rejects.toBeInstanceOf(InvalidDataError);
        expect(await store.getBytes(id)).toBeNull();
      });

      it("refuses bad subkey names", async () => {
        const id = newId();
        for (const name of ["", "two\nlines", "naïve", " padded "]) {
          await expect(store.setSubkeys(id, { main: {}, subkeys: [[name, 1]] })).rejects.toBeInstanceOf(
            InvalidDataError,
          );
        }
        expect(await store.getBytes(id)).toBeNull();
      });

      it("refuses empty ids, non-string ids and ids longer than the backend allows", async () => {
        await expect(store.set("", {})).rejects.toBeInstanceOf(InvalidIdError);
        await expect(store.get(42 as never)).rejects.toBeInstanceOf(InvalidIdError);
        const max = store.backend.idRules?.maxLength;
        if (max !== undefined) {
          const tooLong = "a".repeat(max + 1);
          await expect(store.set(tooLong, {})).rejects.toBeInstanceOf(InvalidIdError);
          await expect(store.getMulti([newId(), tooLong])).rejects.toBeInstanceOf(InvalidIdError);
          await expect(store.deleteMulti([tooLong])).rejects.toBeInstanceOf(InvalidIdError);
          const longest = `${run}${"b".repeat(max - run.length)}`;
          await store.set(longest, { ok: 1 });
          expect(await store.get(longest)).toEqual({ ok: 1 });
          await store.delete(longest);
        }
      });

      it("refuses a bad ttl", async () => {
        await expect(store.set(newId(), {}, -1)).rejects.toBeInstanceOf(InvalidDataError);
        await expect(store.set(newId(), {}, Number.NaN)).rejects.toBeInstanceOf(InvalidDataError);
      });

      it("names the node when stored bytes are not Sentry's format", async () => {
        const id = newId();
        await store.setBytes(id, new TextEncoder().encode("{not json"));
        const error = await store.get(id).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CorruptNodeError);
        expect((error as CorruptNodeError).id).toBe(id);
        expect((error as Error).message).toContain(id);
      });
    });

    describe("values", () => {
      it("round-trips a large value", async () => {
        const id = newId();
        const size = options.largeValueBytes ?? 4 * 1024 * 1024;
        const line = "frame: at handler (/srv/app/src/handlers/événements.ts:42:7) ✓ ";
        const frames = Array.from({ length: Math.ceil(size / (line.length + 20)) }, (_, i) => `${i} ${line}`);
        const data = { frames };
        await store.set(id, data);
        expect(await store.get(id)).toEqual(data);
        expect((await store.getBytes(id))!.byteLength).toBeGreaterThanOrEqual(size);
      }, 120_000);

      it("keeps big integers, NaN and integral floats as Python wrote them", async () => {
        const id = newId();
        const python = new TextEncoder().encode(
          '{"big":18446744073709551616,"f":1.0,"nan":NaN,"inf":-Infinity}',
        );
        await store.setBytes(id, python);
        const got = (await store.get(id)) as Record<string, unknown>;
        expect(got.big).toBe(18446744073709551616n);
        expect(got.f).toBe(1);
        expect(got.nan).toBeNaN();
        expect(got.inf).toBe(Number.NEGATIVE_INFINITY);
        expect(bytesOf(await store.getBytes(id))).toBe(bytesOf(python));
      });
    });

    describe("concurrency", () => {
      it("writes many nodes at once without losing any", async () => {
        const n = options.concurrentWrites ?? 64;
        const ids = Array.from({ length: n }, newId);
        await Promise.all(ids.map((id, i) => store.set(id, { i })));
        const got = await store.getMulti(ids);
        ids.forEach((id, i) => {
          expect(got.get(id)).toEqual({ i });
        });
      });

      it("concurrent writes to one id leave one complete value", async () => {
        const id = newId();
        const values = Array.from({ length: 16 }, (_, i) => ({ writer: i, pad: "x".repeat(1000 * (i + 1)) }));
        await Promise.all(values.map((v) => store.set(id, v)));
        expect(values).toContainEqual(await store.get(id));
      });
    });

    describe("cleanup", () => {
      it("deletes nodes last written before the cutoff and keeps the others, or says it is not supported", async () => {
        const old = [newId(), newId()];
        for (const id of old) await store.set(id, { old: true });
        if (!store.backend.cleanup) {
          await expect(store.cleanup(new Date())).rejects.toBeInstanceOf(NotSupportedError);
          return;
        }
        const none = await store.cleanup(new Date(Date.now() - 24 * 3600 * 1000));
        expect(none.deleted).toBe(0);
        expect((await store.getMulti(old)).get(old[0]!)).toEqual({ old: true });
        const progress: number[] = [];
        const all = await store.cleanup(new Date(Date.now() + 60_000), {
          onProgress: (p) => progress.push(p.deleted),
        });
        expect(all.deleted).toBeGreaterThanOrEqual(old.length);
        expect(progress.length).toBeGreaterThan(0);
        for (const value of (await store.getMulti(old)).values()) expect(value).toBeNull();
      });
    });
  });
}

function bytesOf(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString("latin1");
}
