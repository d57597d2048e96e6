import { describe, expect, it } from "vitest";
import {
  BackendError,
  BackendUnavailableError,
  CorruptNode,
  CorruptNodeError,
  createMemoryStore,
  InvalidArgumentError,
  InvalidDataError,
  InvalidIdError,
  LegacyPickleNodeError,
  MemoryBackend,
  type NodeBackend,
  NodeStore,
  NodestoreError,
  NotSupportedError,
  PayloadTooLargeError,
} from "../src/index.js";

/** Issue #10, store-level behaviours (commit d925017): cases 1, 6, 9 and 11 (setSubkeys(id, null)). */

async function rejection(promise: Promise<unknown>): Promise<NodestoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodestoreError);
  return error as NodestoreError;
}

/** A Map-backed backend that records every call; `batch: false` leaves out getBytesMulti. */
function recording(options: { batch?: boolean; damaged?: Record<string, CorruptNodeError> } = {}) {
  const data = new Map<string, Uint8Array>();
  const calls: string[] = [];
  const damaged = options.damaged ?? {};
  const backend: NodeBackend = {
    name: "recording",
    async getBytes(id) {
      calls.push(`get ${id}`);
      if (damaged[id]) throw damaged[id];
      return data.get(id) ?? null;
    },
    async setBytes(id, bytes) {
      calls.push(`set ${id}`);
      data.set(id, bytes);
    },
    async delete(id) {
      calls.push(`delete ${id}`);
      data.delete(id);
    },
  };
  if (options.batch !== false) {
    backend.getBytesMulti = async (ids) => {
      calls.push(`getMulti ${ids.join(",")}`);
      return new Map(ids.map((id) => [id, damaged[id] ?? data.get(id) ?? null] as const));
    };
  }
  return { backend, data, calls };
}

describe("ids that are not well-formed Unicode (#1)", () => {
  const calls = (store: NodeStore, id: string): Array<[string, () => Promise<unknown>]> => [
    ["get", () => store.get(id)],
    ["get subkey", () => store.get(id, "unprocessed")],
    ["getMulti", () => store.getMulti(["ok", id])],
    ["getBytes", () => store.getBytes(id)],
    ["getBytesMulti", () => store.getBytesMulti([id])],
    ["set", () => store.set(id, { a: 1 })],
    ["setSubkeys", () => store.setSubkeys(id, { main: { a: 1 }, subkeys: { s: 1 } })],
    [
      "setMulti",
      () =>
        store.setMulti([
          { id: "ok", main: { a: 1 } },
          { id, main: { a: 2 } },
        ]),
    ],
    ["setBytes", () => store.setBytes(id, Buffer.from("{}"))],
    ["setBytesMulti", () => store.setBytesMulti([[id, Buffer.from("{}")]])],
    ["delete", () => store.delete(id)],
    ["deleteMulti", () => store.deleteMulti(["ok", id])],
  ];

  for (const id of ["\ud800", "\udfff", "a\ud800b", "\ude00\ud83d"]) {
    it(`refuses ${JSON.stringify(id)} in every call, before any I/O (memory store)`, async () => {
      const backend = new MemoryBackend();
      const store = new NodeStore(backend);
      await store.set("ok", { kept: true });
      for (const [name, call] of calls(store, id)) {
        const error = await rejection(call());
        expect(error, name).toBeInstanceOf(InvalidIdError);
        expect((error as InvalidIdError).id, name).toBe(id);
        expect(error.message, name).toContain(JSON.stringify(id));
        expect(error.message, name).toMatch(/well-formed Unicode/);
        expect(error.retryable, name).toBe(false);
      }
      expect(backend.size).toBe(1); // nothing written, nothing deleted
      expect(await store.get("ok")).toEqual({ kept: true });
    });
  }

  it("keeps the two ids of the issue apart: neither is stored, neither can overwrite the other", async () => {
    const store = createMemoryStore();
    await expect(store.set("\ud800", { v: "A" })).rejects.toBeInstanceOf(InvalidIdError);
    await expect(store.set("\udfff", { v: "B" })).rejects.toBeInstanceOf(InvalidIdError);
    await expect(store.get("\ud800")).rejects.toBeInstanceOf(InvalidIdError);
  });

  it("accepts a well-formed surrogate pair (an astral character)", async () => {
    const store = createMemoryStore();
    await store.set("\ud83d\ude00", { v: 1 });
    expect(await store.get("\ud83d\ude00")).toEqual({ v: 1 });
  });
});

describe("one corrupt node in a batch read (#6)", () => {
  for (const batch of [true, false]) {
    const via = batch ? "the backend's getBytesMulti" : "the single-getBytes fallback";
    const setup = () => {
      const damage = new CorruptNodeError("base64", "not standard padded base64");
      const { backend, data, calls } = recording({ batch, damaged: { bad: damage } });
      data.set("good1", Buffer.from('{"n":1}'));
      data.set("good2", Buffer.from('{"n":2}'));
      return { backend, calls };
    };

    it(`serves the good nodes and returns a CorruptNode naming the bad one (${via})`, async () => {
      const { backend, calls } = setup();
      const got = await new NodeStore(backend).getMulti(["good1", "bad", "good2", "missing"]);
      expect(got.get("good1")).toEqual({ n: 1 });
      expect(got.get("good2")).toEqual({ n: 2 });
      expect(got.get("missing")).toBeNull();
      const marker = got.get("bad") as CorruptNode;
      expect(marker).toBeInstanceOf(CorruptNode);
      expect(marker.id).toBe("bad");
      expect(marker.error).toBeInstanceOf(CorruptNodeError);
      expect(marker.error.id).toBe("bad");
      expect(marker.error.layer).toBe("base64");
      expect(marker.error.retryable).toBe(false);
      expect(marker.error.message).toMatch(
        /^Node "bad" in backend "recording" is corrupt at the base64 layer/,
      );
      expect(calls.filter((c) => c.startsWith("set") || c.startsWith("delete"))).toEqual([]);
    });

    it(`throws the bad node's error with corruptNodes: "throw", from getBytesMulti and from get (${via})`, async () => {
      const { backend } = setup();
      const strict = await rejection(
        new NodeStore(backend, { corruptNodes: "throw" }).getMulti(["good1", "bad"]),
      );
      expect(strict).toBeInstanceOf(CorruptNodeError);
      expect((strict as CorruptNodeError).id).toBe("bad");
      expect(strict.message).toContain('"bad"');
      const bytes = await rejection(new NodeStore(backend).getBytesMulti(["good1", "bad"]));
      expect(bytes).toBeInstanceOf(CorruptNodeError);
      expect((bytes as CorruptNodeError).id).toBe("bad");
      const one = await rejection(new NodeStore(backend).get("bad"));
      expect((one as CorruptNodeError).id).toBe("bad");
      expect(one.message).toMatch(/"bad" in backend "recording"/);
    });
  }

  it("reports a node whose bytes are not JSON the same way, and still throws any other failure", async () => {
    const { backend, data } = recording();
    data.set("good", Buffer.from('{"n":1}'));
    data.set("notjson", Buffer.from('{"n":'));
    const got = await new NodeStore(backend).getMulti(["good", "notjson"]);
    expect(got.get("good")).toEqual({ n: 1 });
    expect((got.get("notjson") as CorruptNode).error.layer).toBe("json");
    expect((got.get("notjson") as CorruptNode).error.id).toBe("notjson");

    const down: NodeBackend = {
      ...backend,
      getBytesMulti: async () => {
        throw new BackendUnavailableError("recording", "connection refused");
      },
    };
    const error = await rejection(new NodeStore(down).getMulti(["good"]));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.retryable).toBe(true);
  });
});

describe("a string or a non-list where a list is expected (#9)", () => {
  const cases: Array<[string, (store: NodeStore) => Promise<unknown>]> = [
    ['getMulti("abc")', (s) => s.getMulti("abc")],
    ['deleteMulti("abc")', (s) => s.deleteMulti("abc")],
    ['setMulti("x")', (s) => s.setMulti("x" as never)],
    ["getBytesMulti(42)", (s) => s.getBytesMulti(42 as never)],
    ['setBytesMulti("ab")', (s) => s.setBytesMulti("ab" as never)],
    ["getMulti(null)", (s) => s.getMulti(null as never)],
    ["deleteMulti({})", (s) => s.deleteMulti({} as never)],
    ['setBytesMulti(["ab"])', (s) => s.setBytesMulti(["ab"] as never)],
  ];

  it.each(cases)("%s is an InvalidArgumentError and the backend is never called", async (_name, call) => {
    const { backend, data, calls } = recording();
    for (const id of ["a", "b", "c", "x"]) data.set(id, Buffer.from("{}"));
    const error = await rejection(call(new NodeStore(backend)));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.retryable).toBe(false);
    expect(calls).toEqual([]);
    expect(data.size).toBe(4);
  });

  it("names what was expected", async () => {
    const store = createMemoryStore();
    await expect(store.getMulti("abc")).rejects.toThrow(
      /getMulti\(\) takes a list of ids, got one string; wrap it: \["abc"\]/,
    );
    await expect(store.getBytesMulti(42 as never)).rejects.toThrow(/takes an iterable of ids, got number/);
  });
});

describe("setSubkeys with no data object (#11)", () => {
  it.each([null, undefined, "main", 42])(
    "setSubkeys(id, %j) is an InvalidDataError naming the id",
    async (value) => {
      const { backend, calls } = recording();
      const error = await rejection(new NodeStore(backend).setSubkeys("node-1", value as never));
      expect(error).toBeInstanceOf(InvalidDataError);
      expect((error as InvalidDataError).id).toBe("node-1");
      expect(error.message).toMatch(/^Node "node-1": setSubkeys\(\) takes \{ main, subkeys\? \}/);
      expect(error.retryable).toBe(false);
      expect(calls).toEqual([]);
    },
  );

  it("setMulti with a null entry is an InvalidDataError too, before anything is written", async () => {
    const { backend, calls } = recording();
    const error = await rejection(new NodeStore(backend).setMulti([{ id: "a", main: {} }, null as never]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(calls).toEqual([]);
  });
});

describe("retryable", () => {
  it("is true only for BackendUnavailableError", () => {
    const errors: Array<[NodestoreError, boolean]> = [
      [new BackendUnavailableError("b", "timed out"), true],
      [new BackendError("b", "read", "permission denied", { id: "x" }), false],
      [new InvalidIdError("x", "too long", "b"), false],
      [new InvalidDataError("bad", "x"), false],
      [new InvalidArgumentError("bad"), false],
      [new PayloadTooLargeError("x", 10, 5, "b"), false],
      [new CorruptNodeError("zstd", "bad", { id: "x" }), false],
      [new CorruptNodeError("zlib", "bad").withContext("x", "b"), false],
      [new LegacyPickleNodeError("x", "b"), false],
      [new NotSupportedError("b", "cleanup", "use a lifecycle rule"), false],
    ];
    for (const [error, retryable] of errors) {
      expect(error.retryable, error.name).toBe(retryable);
      expect(error).toBeInstanceOf(Error);
    }
  });
});
