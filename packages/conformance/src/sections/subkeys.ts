import { describe, expect, it } from "vitest";
import type { SectionContext } from "../context.js";

/** Subkeys: reading main and each subkey, a missing subkey, getMulti of one subkey. */
export function subkeysSection(ctx: SectionContext): void {
  const { newId } = ctx;
  describe("subkeys", () => {
    it("reads the main payload and each subkey; a missing subkey is null", async () => {
      const { store } = ctx;
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
      const { store } = ctx;
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
}
