import { describe, expect, it } from "vitest";
import {
  createMemoryStore,
  decodeNodeData,
  encodeNodeData,
  InvalidDataError,
  parseNodeData,
  RawSubkeyName,
} from "../src/index.js";
import { latin1 } from "./helpers/codec-values.js";
import { refCodec } from "./helpers/python.js";

/** Issue #10 cases 12 (the empty subkey name) and 13 (a subkey name stored twice): what Sentry's code does. */

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** Sentry's `_decode(bytes, subkey)` (the shim's copy of base.py, simplejson), through compat/ref.py. */
const sentryDecode = (ctx: { skip: () => void }, bytes: Uint8Array, subkey: string): unknown =>
  JSON.parse(refCodec(ctx, ["decode", "--from", "encoded", "--in", "b64", "--subkey", subkey], b64(bytes)));

describe('the empty subkey name "" (#12)', () => {
  const main = { event_id: "0123456789abcdef0123456789abcdef", a: 1.5 };
  const subkeys: Array<[string, unknown]> = [
    ["", { empty: true }],
    ["unprocessed", { x: [1, 2] }],
  ];
  /**
   * Sentry's `_encode({None: main, "": {"empty": True}, "unprocessed": {"x": [1, 2]}})`, produced by
   * `echo '{"main":…,"subkeys":{"":{"empty":true},"unprocessed":{"x":[1,2]}}}' | python compat/ref.py codec
   * encode --subkeys` (field `encoded_b64`): the empty name is an empty line.
   */
  const SENTRY_ENCODED = Buffer.from(
    "eyJhIjoxLjUsImV2ZW50X2lkIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQoKeyJlbXB0eSI6dHJ1ZX0KdW5wcm9jZXNzZWQKeyJ4IjpbMSwyXX0=",
    "base64",
  );

  it("encodes byte for byte as Sentry's writer does", () => {
    expect(latin1(SENTRY_ENCODED)).toBe(
      '{"a":1.5,"event_id":"0123456789abcdef0123456789abcdef"}\n\n{"empty":true}\nunprocessed\n{"x":[1,2]}',
    );
    expect(latin1(encodeNodeData(main, subkeys))).toBe(latin1(SENTRY_ENCODED));
  });

  it("decodes it like Sentry's reader, and parses it losslessly", () => {
    expect(decodeNodeData(SENTRY_ENCODED, "")).toEqual({ empty: true });
    expect(decodeNodeData(SENTRY_ENCODED, "unprocessed")).toEqual({ x: [1, 2] });
    expect(parseNodeData(SENTRY_ENCODED)).toEqual({ main, subkeys });
    const lossless = parseNodeData(SENTRY_ENCODED, { lossless: true });
    expect(lossless.subkeys[0]).toEqual(["", { empty: true }]);
    expect(latin1(encodeNodeData(lossless.main, lossless.subkeys))).toBe(latin1(SENTRY_ENCODED));
  });

  it("is written and read through a store: setSubkeys, then get(id, '')", async () => {
    const store = createMemoryStore();
    await store.setSubkeys("n", { main, subkeys: { "": { empty: true }, unprocessed: { x: [1, 2] } } });
    expect(await store.get("n", "")).toEqual({ empty: true });
    expect(await store.get("n")).toEqual(main);
    expect(latin1((await store.getBytes("n"))!)).toBe(latin1(SENTRY_ENCODED));
    expect((await store.getMulti(["n"], "")).get("n")).toEqual({ empty: true });
    await store.set("plain", { a: 1 });
    expect(await store.get("plain", "")).toBeNull();
  });

  it("Sentry's reader finds what we write under the empty name", (ctx) => {
    expect(sentryDecode(ctx, encodeNodeData(main, subkeys), "")).toEqual({ empty: true });
  });

  it("still refuses names Sentry cannot read back", () => {
    for (const name of ["a\nb", "a\rb", "caf\u00e9", " ", " x", "x\t"]) {
      expect(() => encodeNodeData({}, [[name, 1]]), JSON.stringify(name)).toThrow(InvalidDataError);
    }
    expect(() =>
      encodeNodeData({}, [
        ["", 1],
        ["", 2],
      ]),
    ).toThrow(/"" appears twice/);
  });
});

describe("a subkey name stored twice (#13)", () => {
  /** Hand-made (no dict-based writer produces it), as in the issue. */
  const TWICE = Buffer.from('{"a":1}\nk\n{"first":1}\nk\n{"second":2}', "latin1");

  it("reads the first value, as Sentry's reader does", () => {
    expect(decodeNodeData(TWICE, "k")).toEqual({ first: 1 });
    expect(parseNodeData(TWICE).subkeys).toEqual([["k", { first: 1 }]]);
  });

  it("Sentry's own _decode returns the first value too", (ctx) => {
    expect(sentryDecode(ctx, TWICE, "k")).toEqual({ first: 1 });
  });

  it("parses losslessly, keeping both entries in order, and re-encodes byte for byte", () => {
    const parsed = parseNodeData(TWICE, { lossless: true });
    expect(parsed.main).toEqual({ a: 1 });
    expect(parsed.subkeys).toEqual([
      ["k", { first: 1 }],
      [new RawSubkeyName("k"), { second: 2 }],
    ]);
    expect(latin1(encodeNodeData(parsed.main, parsed.subkeys))).toBe(latin1(TWICE));
  });

  it("keeps a repeated name with surrounding whitespace or after other names too", () => {
    const odd = Buffer.from("{}\nk\n1\nz\n2\n k \n3\nk\n4\nz\n5", "latin1");
    const parsed = parseNodeData(odd, { lossless: true });
    expect(parsed.subkeys.map(([name]) => String(name))).toEqual(["k", "z", " k ", "k", "z"]);
    expect(latin1(encodeNodeData(parsed.main, parsed.subkeys))).toBe(latin1(odd));
    expect(decodeNodeData(odd, "z")).toBe(2);
  });

  it("a plain repeated name is still refused when writing (readers would never find the second)", () => {
    expect(() =>
      encodeNodeData({}, [
        ["k", 1],
        ["k", 2],
      ]),
    ).toThrow(/"k" appears twice/);
  });
});
