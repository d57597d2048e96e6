import { describe, expect, it } from "vitest";
import { bytesOf, type SectionContext } from "../context.js";

/** Values: a large value, and Python's big integers / NaN / integral floats kept byte for byte. */
export function valuesSection(ctx: SectionContext): void {
  const { newId } = ctx;
  describe("values", () => {
    it("round-trips a large value", async () => {
      const { store } = ctx;
      const id = newId();
      const size = ctx.options.largeValueBytes ?? 4 * 1024 * 1024;
      const line = "frame: at handler (/srv/app/src/handlers/événements.ts:42:7) ✓ ";
      const frames = Array.from({ length: Math.ceil(size / (line.length + 20)) }, (_, i) => `${i} ${line}`);
      const data = { frames };
      await store.set(id, data);
      expect(await store.get(id)).toEqual(data);
      expect((await store.getBytes(id))!.byteLength).toBeGreaterThanOrEqual(size);
    }, 120_000);

    it("keeps big integers, NaN and integral floats as Python wrote them", async () => {
      const { store } = ctx;
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
}
