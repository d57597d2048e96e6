import { encodeNodeData } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { bytesOf, type SectionContext } from "../context.js";
import { goldenPayloads } from "../golden.js";

/**
 * Plain reads and writes: missing nodes, set/get, the exact bytes stored, golden payloads written by Python,
 * setBytes, full overwrite, every id shape Sentry writes.
 */
export function getAndSetSection(ctx: SectionContext): void {
  const { newId, runTag } = ctx;
  describe("get and set", () => {
    it("returns null for a node that was never written", async () => {
      const { store } = ctx;
      const id = newId();
      expect(await store.get(id)).toBeNull();
      expect(await store.get(id, "unprocessed")).toBeNull();
      expect(await store.getBytes(id)).toBeNull();
    });

    it("reads back what set() wrote", async () => {
      const { store } = ctx;
      const id = newId();
      const data = { event_id: id, message: "héllo 😀 ünïcode ‮rtl", n: 1.5, list: [1, "two", null, true] };
      await store.set(id, data);
      expect(await store.get(id)).toEqual(data);
    });

    it("stores exactly the bytes the codec produces (Sentry's format, byte for byte)", async () => {
      const { store } = ctx;
      const id = newId();
      const main = { b: 1, a: { z: [1, 2], y: "é" } };
      const subkeys: Array<[string, unknown]> = [["unprocessed", { x: true }]];
      await store.setSubkeys(id, { main, subkeys });
      expect(bytesOf(await store.getBytes(id))).toBe(bytesOf(encodeNodeData(main, subkeys)));
    });

    it("keeps golden payloads written by Python byte for byte through setBytes/getBytes, and decodes them", async () => {
      const { store } = ctx;
      for (const golden of goldenPayloads) {
        const id = newId();
        await store.setBytes(id, golden.bytes);
        expect(bytesOf(await store.getBytes(id)), golden.name).toBe(bytesOf(golden.bytes));
        expect(await store.get(id), golden.name).toEqual(golden.main);
      }
    });

    it("stores arbitrary bytes through setBytes (every byte value)", async () => {
      const { store } = ctx;
      const id = newId();
      const bytes = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) % 256);
      await store.setBytes(id, bytes);
      expect(Buffer.from((await store.getBytes(id))!).equals(Buffer.from(bytes))).toBe(true);
    });

    it("overwrites fully: set() drops subkeys written earlier", async () => {
      const { store } = ctx;
      const id = newId();
      await store.setSubkeys(id, { main: { v: 1 }, subkeys: { unprocessed: { raw: true } } });
      expect(await store.get(id, "unprocessed")).toEqual({ raw: true });
      await store.set(id, { v: 2 });
      expect(await store.get(id)).toEqual({ v: 2 });
      expect(await store.get(id, "unprocessed")).toBeNull();
    });

    it("accepts every id shape Sentry writes", async () => {
      const { store } = ctx;
      const ids = [
        `i-o:${newId()}`,
        `e-g-f:${newId()}`,
        `s:1:${newId()}`,
        `${runTag}AbC+/xyz123456==`, // legacy NodeField id: base64 of a uuid4, 24 chars
        `bundle_index:1:${runTag}`,
      ];
      for (const id of ids) {
        await store.set(id, { id });
        expect(await store.get(id), id).toEqual({ id });
        await store.delete(id);
        expect(await store.get(id), id).toBeNull();
      }
    });
  });
}
