import { CorruptNodeError, InvalidDataError, InvalidIdError } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { bytesOf, type SectionContext } from "../context.js";

/** Bad input refused before any write (data, subkey names, ids, TTLs), and undecodable stored bytes named. */
export function badInputSection(ctx: SectionContext): void {
  const { newId, runTag } = ctx;
  describe("bad input is refused before anything is written", () => {
    it("refuses a main value that is not a JSON object", async () => {
      const { store } = ctx;
      const id = newId();
      for (const bad of [null, [1, 2], "text", 42, true]) {
        await expect(store.set(id, bad as never)).rejects.toBeInstanceOf(InvalidDataError);
      }
      expect(await store.getBytes(id)).toBeNull();
    });

    it("refuses values JSON cannot hold", async () => {
      const { store } = ctx;
      const id = newId();
      await expect(store.set(id, { when: new Date() })).rejects.toBeInstanceOf(InvalidDataError);
      await expect(store.set(id, { u: undefined })).rejects.toBeInstanceOf(InvalidDataError);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(store.set(id, circular)).rejects.toBeInstanceOf(InvalidDataError);
      expect(await store.getBytes(id)).toBeNull();
    });

    it("refuses bad subkey names", async () => {
      const { store } = ctx;
      const id = newId();
      for (const name of ["two\nlines", "naïve", " padded "]) {
        await expect(store.setSubkeys(id, { main: {}, subkeys: [[name, 1]] })).rejects.toBeInstanceOf(
          InvalidDataError,
        );
      }
      expect(await store.getBytes(id)).toBeNull();
    });

    it('accepts the empty subkey name "", as Sentry writes it ("{main}\\n\\n{value}") and reads it back', async () => {
      const { store } = ctx;
      const id = newId();
      await store.setSubkeys(id, { main: { m: 1 }, subkeys: [["", { empty: true }]] });
      expect(bytesOf(await store.getBytes(id))).toBe('{"m":1}\n\n{"empty":true}');
      expect(await store.get(id, "")).toEqual({ empty: true });
      expect(await store.get(id)).toEqual({ m: 1 });
      expect((await store.getMulti([id], "")).get(id)).toEqual({ empty: true });
    });

    it("refuses empty ids, non-string ids and ids longer than the backend allows", async () => {
      const { store } = ctx;
      await expect(store.set("", {})).rejects.toBeInstanceOf(InvalidIdError);
      await expect(store.get(42 as never)).rejects.toBeInstanceOf(InvalidIdError);
      const max = store.backend.idRules?.maxLength;
      if (max !== undefined) {
        const tooLong = "a".repeat(max + 1);
        await expect(store.set(tooLong, {})).rejects.toBeInstanceOf(InvalidIdError);
        await expect(store.getMulti([newId(), tooLong])).rejects.toBeInstanceOf(InvalidIdError);
        await expect(store.deleteMulti([tooLong])).rejects.toBeInstanceOf(InvalidIdError);
        const longest = `${runTag}${"b".repeat(max - runTag.length)}`;
        await store.set(longest, { ok: 1 });
        expect(await store.get(longest)).toEqual({ ok: 1 });
        await store.delete(longest);
      }
    });

    it("refuses a bad ttl", async () => {
      const { store } = ctx;
      await expect(store.set(newId(), {}, -1)).rejects.toBeInstanceOf(InvalidDataError);
      await expect(store.set(newId(), {}, Number.NaN)).rejects.toBeInstanceOf(InvalidDataError);
    });

    it("names the node when stored bytes are not Sentry's format", async () => {
      const { store } = ctx;
      const id = newId();
      await store.setBytes(id, new TextEncoder().encode("{not json"));
      const error = await store.get(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptNodeError);
      expect((error as CorruptNodeError).id).toBe(id);
      expect((error as Error).message).toContain(id);
    });
  });
}
