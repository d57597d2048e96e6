import { describe, expect, it } from "vitest";
import type { SectionContext } from "../context.js";

/** `getMulti`: duplicates removed keeping order, every id present, `null` for misses, batches of 250. */
export function getMultiSection(ctx: SectionContext): void {
  const { newId } = ctx;
  describe("getMulti", () => {
    it("removes duplicates keeping order and returns every id, null when missing", async () => {
      const { store } = ctx;
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
      const { store } = ctx;
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
}
