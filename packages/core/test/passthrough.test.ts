import { describe, expect, it } from "vitest";
import {
  BackendError,
  createPassthroughStore,
  MemoryBackend,
  type NodeBackend,
  NotSupportedError,
} from "../src/index.js";

/** Wraps a backend so every call lands in one shared log, in order. */
function logged(name: string, log: string[], inner: NodeBackend = new MemoryBackend()): NodeBackend {
  return {
    name,
    idRules: inner.idRules,
    getBytes: async (id) => {
      log.push(`${name}.get ${id}`);
      return inner.getBytes(id);
    },
    setBytes: async (id, bytes, ttl) => {
      log.push(`${name}.set ${id}`);
      return inner.setBytes(id, bytes, ttl);
    },
    delete: async (id) => {
      log.push(`${name}.delete ${id}`);
      return inner.delete(id);
    },
    cleanup: inner.cleanup
      ? async (cutoff, o) => {
          log.push(`${name}.cleanup`);
          return inner.cleanup!(cutoff, o);
        }
      : undefined,
  };
}

const all = { readThrough: true, writeThrough: true, deleteThrough: true };

describe("passthrough: the S3 plugin's order of operations, for any pair", () => {
  it("write-through writes the secondary first", async () => {
    const log: string[] = [];
    const store = createPassthroughStore({
      primary: logged("s3", log),
      secondary: logged("pg", log),
      ...all,
    });
    await store.set("a", { v: 1 });
    expect(log).toEqual(["pg.set a", "s3.set a"]);
  });

  it("without write-through only the primary is written", async () => {
    const log: string[] = [];
    const store = createPassthroughStore({ primary: logged("s3", log), secondary: logged("pg", log) });
    await store.set("a", { v: 1 });
    await store.get("b");
    await store.delete("a");
    expect(log).toEqual(["s3.set a", "s3.get b", "s3.delete a"]);
  });

  it("a primary failure after the secondary write propagates and leaves the secondary copy", async () => {
    const secondary = new MemoryBackend();
    const failing: NodeBackend = {
      name: "s3",
      getBytes: async () => null,
      setBytes: async (id) => {
        throw new BackendError("s3", "put", "503 Slow Down", { id });
      },
      delete: async () => {},
    };
    const store = createPassthroughStore({ primary: failing, secondary, writeThrough: true });
    await expect(store.set("a", { v: 1 })).rejects.toBeInstanceOf(BackendError);
    expect(await secondary.getBytes("a")).not.toBeNull();
  });

  it("read-through falls back only on a miss (absent or empty), never on an error", async () => {
    const log: string[] = [];
    const primary = new MemoryBackend();
    const secondary = new MemoryBackend();
    await secondary.setBytes("old", Buffer.from('{"from":"secondary"}'));
    await secondary.setBytes("both", Buffer.from('{"from":"secondary"}'));
    await primary.setBytes("both", Buffer.from('{"from":"primary"}'));
    await primary.setBytes("empty", new Uint8Array(0));
    await secondary.setBytes("empty", Buffer.from('{"from":"secondary"}'));
    const store = createPassthroughStore({
      primary: logged("s3", log, primary),
      secondary: logged("pg", log, secondary),
      ...all,
    });
    expect(await store.get("both")).toEqual({ from: "primary" });
    expect(await store.get("old")).toEqual({ from: "secondary" });
    expect(await store.get("empty")).toEqual({ from: "secondary" });
    expect(log).toEqual(["s3.get both", "s3.get old", "pg.get old", "s3.get empty", "pg.get empty"]);

    const broken: NodeBackend = {
      name: "s3",
      getBytes: async (id) => {
        throw new BackendError("s3", "get", "403 Forbidden", { id });
      },
      setBytes: async () => {},
      delete: async () => {},
    };
    const failing = createPassthroughStore({ primary: broken, secondary, readThrough: true });
    await expect(failing.get("old")).rejects.toBeInstanceOf(BackendError);
  });

  it("getMulti asks the secondary only for the primary's misses, in one batch", async () => {
    const log: string[] = [];
    const primary = new MemoryBackend();
    const secondary = new MemoryBackend();
    await primary.setBytes("p", Buffer.from('{"p":1}'));
    await secondary.setBytes("s", Buffer.from('{"s":1}'));
    const store = createPassthroughStore({
      primary: logged("s3", log, primary),
      secondary: logged("pg", log, secondary),
      ...all,
    });
    const got = await store.getMulti(["p", "s", "none"]);
    expect([...got]).toEqual([
      ["p", { p: 1 }],
      ["s", { s: 1 }],
      ["none", null],
    ]);
    expect(log.filter((l) => l.startsWith("pg"))).toEqual(["pg.get s", "pg.get none"]);
  });

  it("delete-through deletes the secondary first, for single and multi deletes", async () => {
    const log: string[] = [];
    const store = createPassthroughStore({
      primary: logged("s3", log),
      secondary: logged("pg", log),
      ...all,
    });
    await store.delete("a");
    expect(log).toEqual(["pg.delete a", "s3.delete a"]);
    log.length = 0;
    await store.deleteMulti(["x", "y"]);
    expect(log.indexOf("pg.delete x")).toBeLessThan(log.indexOf("s3.delete x"));
    expect(log.indexOf("pg.delete y")).toBeLessThan(log.indexOf("s3.delete x"));
  });

  it("cleanup: the secondary only with delete-through, then the primary if it can; neither -> not supported", async () => {
    const log: string[] = [];
    const noCleanup = (name: string): NodeBackend => ({ ...logged(name, log), cleanup: undefined });
    await createPassthroughStore({
      primary: noCleanup("s3"),
      secondary: logged("pg", log),
      deleteThrough: true,
    }).cleanup(new Date());
    expect(log).toEqual(["pg.cleanup"]);
    await expect(
      createPassthroughStore({ primary: noCleanup("s3"), secondary: logged("pg", log) }).cleanup(new Date()),
    ).rejects.toBeInstanceOf(NotSupportedError);
    log.length = 0;
    await createPassthroughStore({
      primary: logged("a", log),
      secondary: logged("b", log),
      deleteThrough: true,
    }).cleanup(new Date());
    expect(log).toEqual(["b.cleanup", "a.cleanup"]);
  });

  it("applies both sides' id rules when it touches the secondary", async () => {
    const secondary: NodeBackend = { ...logged("pg", []), idRules: { maxLength: 40 } };
    const store = createPassthroughStore({ primary: new MemoryBackend(), secondary, readThrough: true });
    await expect(store.get("x".repeat(41))).rejects.toThrow(/longer than 40/);
    const primaryOnly = createPassthroughStore({ primary: new MemoryBackend(), secondary });
    expect(await primaryOnly.get("x".repeat(41))).toBeNull();
  });
});
