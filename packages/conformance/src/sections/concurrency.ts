import { describe, expect, it } from "vitest";
import type { SectionContext } from "../context.js";

/** Concurrent writes: many ids at once, and many writers on one id. */
export function concurrencySection(ctx: SectionContext): void {
  const { newId } = ctx;
  describe("concurrency", () => {
    it("writes many nodes at once without losing any", async () => {
      const { store } = ctx;
      const n = ctx.options.concurrentWrites ?? 64;
      const ids = Array.from({ length: n }, newId);
      await Promise.all(ids.map((id, i) => store.set(id, { i })));
      const got = await store.getMulti(ids);
      ids.forEach((id, i) => {
        expect(got.get(id)).toEqual({ i });
      });
    });

    it("concurrent writes to one id leave one complete value", async () => {
      const { store } = ctx;
      const id = newId();
      const values = Array.from({ length: 16 }, (_, i) => ({ writer: i, pad: "x".repeat(1000 * (i + 1)) }));
      await Promise.all(values.map((v) => store.set(id, v)));
      expect(values).toContainEqual(await store.get(id));
    });
  });
}
