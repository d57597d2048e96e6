import { describe, expect, it } from "vitest";
import type { SectionContext } from "../context.js";

/** delete / deleteMulti: idempotent, duplicates and missing ids ignored, other nodes kept. */
export function deleteSection(ctx: SectionContext): void {
  const { newId } = ctx;
  describe("delete", () => {
    it("deletes, and deleting again or deleting a missing node succeeds", async () => {
      const { store } = ctx;
      const id = newId();
      await store.set(id, { x: 1 });
      await store.delete(id);
      expect(await store.get(id)).toBeNull();
      await store.delete(id);
      await store.delete(newId());
    });

    it("deleteMulti is idempotent and ignores duplicates and missing ids", async () => {
      const { store } = ctx;
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
}
