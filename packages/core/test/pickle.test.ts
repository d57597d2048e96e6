import { describe, expect, it } from "vitest";
import {
  CorruptNode,
  CorruptNodeError,
  LegacyPickleNode,
  looksLikePickle,
  type NodeBackend,
  NodeStore,
  zlibBase64,
} from "../src/index.js";
import { pythonOrSkip, runPython } from "./helpers/python.js";

/** Issue #10 case 8: only bytes that look like a pickle are a legacy node; other garbage is corrupt. */

const hex = (h: string) => Buffer.from(h, "hex");
const text = (s: string) => Buffer.from(s, "latin1");

/**
 * `pickle.dumps({"event_id": "abc", "n": 1}, protocol=p)` for p = 0..5, by CPython 3.11.7 (the services venv);
 * the last two are Python 2's forms, written from the protocol: cPickle's protocol 0 memoises from 1, and a
 * protocol-0 dict subclass starts with a GLOBAL opcode.
 */
const PICKLES: Array<[string, Buffer]> = [
  ["protocol 0", hex("286470300a566576656e745f69640a70310a566162630a70320a73566e0a70330a49310a732e")],
  ["protocol 1", hex("7d71002858080000006576656e745f696471015803000000616263710258010000006e71034b01752e")],
  [
    "protocol 2",
    hex("80027d71002858080000006576656e745f696471015803000000616263710258010000006e71034b01752e"),
  ],
  [
    "protocol 3",
    hex("80037d71002858080000006576656e745f696471015803000000616263710258010000006e71034b01752e"),
  ],
  ["protocol 4", hex("8004951c000000000000007d94288c086576656e745f6964948c03616263948c016e944b01752e")],
  ["protocol 5", hex("8005951c000000000000007d94288c086576656e745f6964948c03616263948c016e944b01752e")],
  ["Python 2 cPickle protocol 0", text("(dp1\nS'event_id'\np2\nS'abc'\np3\nsS'n'\np4\nI1\ns.")],
  ["protocol 0 dict subclass", text("ccollections\nOrderedDict\np0\n(tRp1\n.")],
];

const NOT_PICKLES: Array<[string, Buffer]> = [
  ["text", text("this is not json")],
  ["empty", text("")],
  ["one byte", hex("80")],
  ["JSON array", text("[1,2]")],
  ["JSON string", text('"a string"')],
  ["JSON null", text("null")],
  ["whitespace, then JSON", text(' {"a":1}')],
  ["text starting with c", text("cannot decode this\nat all\n")],
  ["text starting with (", text("(draft) notes")],
  ["text starting with }", text("} stray brace")],
  ["PROTO with an unknown protocol", hex("80067d942e")],
  ["PROTO 1 (never written: protocol 1 has no PROTO)", hex("80017d2e")],
  ["gzip", hex("1f8b0800000000000003")],
  ["zstd frame", hex("28b52ffd2000")],
  ["UTF-8 BOM and JSON", hex("efbbbf7b7d")],
];

describe("looksLikePickle", () => {
  it.each(PICKLES)("%s is a pickle", (_name, bytes) => {
    expect(looksLikePickle(bytes)).toBe(true);
  });

  it.each(NOT_PICKLES)("%s is not", (_name, bytes) => {
    expect(looksLikePickle(bytes)).toBe(false);
  });

  it("labels what Python's pickle.dumps writes for every protocol, dicts and dict subclasses", (ctx) => {
    const python = pythonOrSkip(ctx, []);
    const out = runPython(
      python,
      [
        "import pickle, collections",
        "values = [{}, {'event_id': 'abc', 'n': 1, 'tags': [['a', 'b']], 'f': 1.5, 'u': 'h\\u00e9llo'},",
        "          collections.OrderedDict(a=1)]",
        "for p in range(pickle.HIGHEST_PROTOCOL + 1):",
        "    for v in values: print(pickle.dumps(v, protocol=p).hex())",
      ].join("\n"),
      "",
    );
    const lines = out.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(18);
    for (const line of lines) expect(looksLikePickle(hex(line)), line).toBe(true);
  });
});

describe("a backend that may hold legacy rows (Sentry's Django table)", () => {
  /** Stores Django's `data` strings, base64(zlib(bytes)), and decodes them on read as django-pg does. */
  function djangoLike(rows: Record<string, Uint8Array>) {
    const data = new Map(Object.entries(rows).map(([id, bytes]) => [id, zlibBase64.encode(bytes)]));
    const backend: NodeBackend = {
      name: "django-like",
      mayHoldLegacyPickle: true,
      async getBytes(id) {
        const row = data.get(id);
        return row === undefined ? null : zlibBase64.decode(row);
      },
      async setBytes() {},
      async delete() {},
    };
    return new NodeStore(backend);
  }

  it("reports valid zlib of text that is not JSON as corrupt at the json layer, naming the id", async () => {
    const store = djangoLike({ text: text("this is not json"), ok: text('{"ok":1}') });
    const error = await store.get("text").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptNodeError);
    expect((error as CorruptNodeError).layer).toBe("json");
    expect((error as CorruptNodeError).id).toBe("text");
    expect((error as CorruptNodeError).retryable).toBe(false);
    expect((error as Error).message).toMatch(
      /^Node "text" in backend "django-like" is corrupt at the json layer/,
    );
    const got = await store.getMulti(["text", "ok"]);
    expect(got.get("text")).toBeInstanceOf(CorruptNode);
    expect((got.get("text") as CorruptNode).error.layer).toBe("json");
    expect(got.get("ok")).toEqual({ ok: 1 });
  });

  it("reports JSON that is not an object as corrupt too: Sentry's Django reader reads neither it nor a pickle", async () => {
    const store = djangoLike({ array: text("[1,2]"), string: text('"s"') });
    for (const id of ["array", "string"]) {
      const error = await store.get(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptNodeError);
      expect((error as Error).message).toMatch(/does not start with '\{' and is not a pickle/);
    }
  });

  it("labels every pickle as a legacy node", async () => {
    const store = djangoLike(Object.fromEntries(PICKLES));
    const got = await store.getMulti(PICKLES.map(([name]) => name));
    for (const [name, bytes] of PICKLES) {
      const value = got.get(name);
      expect(value, name).toBeInstanceOf(LegacyPickleNode);
      expect(Buffer.from((value as LegacyPickleNode).bytes).equals(bytes)).toBe(true);
    }
  });
});
