import { NotSupportedError } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import type { SectionContext } from "../context.js";

/**
 * `cleanup(cutoff)`: deletes what was last written before the cutoff and keeps the rest, or raises
 * `NotSupportedError`. It may empty the whole namespace, so it runs last.
 */
export function cleanupSection(ctx: SectionContext): void {
  const { newId } = ctx;
  describe("cleanup", () => {
    it("deletes nodes last written before the cutoff and keeps the others, or says it is not supported", async () => {
      const { store } = ctx;
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
}
