import { describe, expect, it } from "vitest";
import {
  CorruptNodeError,
  createMemoryStore,
  LegacyPickleNode,
  LegacyPickleNodeError,
  MemoryBackend,
  type NodeBackend,
  NodeStore,
  NotSupportedError,
  PayloadTooLargeError,
} from "../src/index.js";

/** A backend over a Map that records calls, with batch methods, for checking what core sends. */
function recordingBackend(overrides: Partial<NodeBackend> = {}) {
  const data = new Map<string, Uint8Array>();
  const calls: string[] = [];
  const backend: NodeBackend = {
    name: "recording",
    async getBytes(id) {
      calls.push(`get ${id}`);
      return data.get(id) ?? null;
    },
    async getBytesMulti(ids) {
      calls.push(`getMulti ${ids.join(",")}`);
      return new Map(ids.filter((id) => data.has(id)).map((id) => [id, data.get(id)!]));
    },
    async setBytes(id, bytes) {
      calls.push(`set ${id}`);
      data.set(id, bytes);
    },
    async delete(id) {
      calls.push(`delete ${id}`);
      data.delete(id);
    },
    ...overrides,
  };
  return { backend, data, calls };
}

describe("NodeStore over a backend", () => {
  it("getMulti fills ids a backend omitted with null (Django omits them)", async () => {
    const { backend, data, calls } = recordingBackend();
    data.set("a", Buffer.from('{"a":1}'));
    const store = new NodeStore(backend);
    const got = await store.getMulti(["b", "a", "b"]);
    expect([...got]).toEqual([
      ["b", null],
      ["a", { a: 1 }],
    ]);
    expect(calls).toEqual(["getMulti b,a"]);
  });

  it("falls back to single calls with bounded concurrency when the backend has no batch call", async () => {
    let inFlight = 0;
    let peak = 0;
    const backend: NodeBackend = {
      name: "slow",
      async getBytes() {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return null;
      },
      async setBytes() {},
      async delete() {},
    };
    const store = new NodeStore(backend, { concurrency: 4 });
    const ids = Array.from({ length: 40 }, (_, i) => `id${i}`);
    expect((await store.getMulti(ids)).size).toBe(40);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });

  it("setMulti keeps the last value of a repeated id and sends each id once", async () => {
    const { backend, data, calls } = recordingBackend();
    const store = new NodeStore(backend);
    await store.setMulti([
      { id: "x", main: { v: 1 } },
      { id: "y", main: { v: 2 } },
      { id: "x", main: { v: 3 } },
    ]);
    expect(calls.sort()).toEqual(["set x", "set y"]);
    expect(Buffer.from(data.get("x")!).toString()).toBe('{"v":3}');
  });

  it("checks the backend's size limit before writing", async () => {
    const { backend, calls } = recordingBackend({ maxValueBytes: 10 });
    const store = new NodeStore(backend);
    await expect(store.set("big", { text: "more than ten bytes" })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    await expect(store.setBytes("big", new Uint8Array(11))).rejects.toThrow(
      /11 bytes, over the 10-byte limit/,
    );
    expect(calls).toEqual([]);
  });

  it("names the node and backend when stored bytes do not decode", async () => {
    const { backend, data } = recordingBackend();
    data.set("bad", Buffer.from('{"a":'));
    const error = await new NodeStore(backend).get("bad").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptNodeError);
    expect((error as CorruptNodeError).id).toBe("bad");
    expect((error as CorruptNodeError).backend).toBe("recording");
    expect((error as Error).message).toMatch(/"bad".*recording.*json/);
  });

  it("cleanup without backend support is Sentry's NotImplementedError, typed", async () => {
    const { backend } = recordingBackend();
    await expect(new NodeStore(backend).cleanup(new Date())).rejects.toBeInstanceOf(NotSupportedError);
    await expect(new NodeStore(backend).cleanup(new Date("nope"))).rejects.toThrow(/valid Date/);
  });
});

describe("legacy pickled rows (Django backends only)", () => {
  const pickle = Buffer.from("80027d71002e", "hex"); // pickle.dumps({}, 2)
  const setup = (legacyPickle?: "marker" | "empty" | "throw") => {
    const { backend, data } = recordingBackend({ mayHoldLegacyPickle: true });
    data.set("old", pickle);
    data.set("new", Buffer.from('{"n":1}'));
    return new NodeStore(backend, { legacyPickle });
  };

  it("returns a LegacyPickleNode marker by default, without failing the batch", async () => {
    const got = await setup().getMulti(["old", "new"]);
    expect(got.get("old")).toBeInstanceOf(LegacyPickleNode);
    expect(Buffer.from((got.get("old") as unknown as LegacyPickleNode).bytes).equals(pickle)).toBe(true);
    expect(got.get("new")).toEqual({ n: 1 });
  });

  it("returns {} like Sentry when asked, null for a subkey, or throws a typed error", async () => {
    expect(await setup("empty").get("old")).toEqual({});
    expect(await setup().get("old", "unprocessed")).toBeNull();
    await expect(setup("throw").get("old")).rejects.toBeInstanceOf(LegacyPickleNodeError);
  });

  it("is not applied to backends that cannot hold pickles", async () => {
    const { backend, data } = recordingBackend();
    data.set("x", Buffer.from("[1,2]"));
    expect(await new NodeStore(backend).get("x")).toEqual([1, 2]);
  });
});

describe("memory store", () => {
  it("honours TTL and cleans up by last write time", async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ now: () => now });
    await store.set("ttl", { a: 1 }, 10);
    await store.set("keep", { b: 1 });
    now += 9_000;
    expect(await store.get("ttl")).toEqual({ a: 1 });
    now += 1_000;
    expect(await store.get("ttl")).toBeNull();
    await store.set("late", { c: 1 });
    const result = await store.cleanup(new Date(now));
    expect(result.deleted).toBe(1);
    expect(await store.get("keep")).toBeNull();
    expect(await store.get("late")).toEqual({ c: 1 });
  });

  it("copies bytes in and out", async () => {
    const backend = new MemoryBackend();
    const bytes = Buffer.from('{"a":1}');
    await backend.setBytes("id", bytes);
    bytes[2] = 0x62;
    const out = (await backend.getBytes("id"))!;
    out[2] = 0x63;
    expect(Buffer.from((await backend.getBytes("id"))!).toString()).toBe('{"a":1}');
  });
});
