/**
 * Issue #12: every fast path of the JSON layers against its exact path, on arbitrary values, and the edge
 * cases that must force the fallback.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeNodeData, encodeNodeData, PyFloat, parseNodeData } from "../src/format/index.js";
import { parseJson, parseJsonExact } from "../src/format/json/decode.js";
import { encodeJson } from "../src/format/json/encode.js";
import { codePointCompare, latin1, referenceQuote } from "./helpers/codec-values.js";
import { stringEncodeJson } from "./helpers/string-encoder.js";

const char = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  fc.constantFrom("\0", "\b", "\t", "\n", "\f", "\r", "\x1f", "\x7f", '"', "\\", "/", "\u00e9"),
  fc.integer({ min: 0x80, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xe000, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
// Up to 120 chars: both sides of the long-string threshold (native copy after one regex test).
const text = fc.array(char, { maxLength: 120 }).map((cs) => cs.join(""));
const asciiText = fc.stringMatching(/^[\x20-\x7e]{0,100}$/);
const key = fc.oneof(
  asciiText,
  text,
  fc.constantFrom(
    "a",
    "b",
    "\ufb01",
    "😀",
    "\ue000",
    "\ud800",
    "\udfff",
    "\uffff",
    "aa",
    "",
    "10",
    "2",
    "__proto__",
  ),
);
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  text,
  asciiText,
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 2 ** 53, 2 ** 53 + 2, 1e16, 1e21, -1e22, 0.1, 1e-5, 5e-324, Number.NaN),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.double({ noNaN: true }).map((d) => new PyFloat(d)),
);
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("v"), { maxLength: 6 }),
    fc.dictionary(key, tie("v"), { maxKeys: 30 }),
  ),
})).v;

describe("encode fast paths == the string-building writer they replaced", () => {
  it("on arbitrary values", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(encodeJson(v, "main")).toBe(stringEncodeJson(v));
      }),
      { numRuns: 500 },
    );
  });

  it("on a second encoding of the same value (key cache warm)", () => {
    fc.assert(
      fc.property(value, (v) => {
        encodeJson(v, "main");
        expect(encodeJson(v, "main")).toBe(stringEncodeJson(v));
      }),
    );
  });

  it("encodeNodeData writes main and subkeys in one buffer, as the string writer does", () => {
    fc.assert(
      fc.property(value, fc.array(value, { maxLength: 3 }), (main, values) => {
        const subkeys = values.map((v, i) => [`k${i}`, v] as [string, unknown]);
        const expected =
          stringEncodeJson(main) + subkeys.map(([k, v]) => `\n${k}\n${stringEncodeJson(v)}`).join("");
        expect(latin1(encodeNodeData(main, subkeys))).toBe(expected);
      }),
    );
  });
});

describe("encode fallbacks", () => {
  it("keys with chars >= U+D800 are re-sorted by code point, also when another key is cached", () => {
    const keys = ["b", "\ue000", "\ud800", "😀", "\ufb01", "a", "\uffff", "\ud83d", "z"];
    const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
    for (let round = 0; round < 3; round++) {
      const written = Object.keys(JSON.parse(encodeJson(obj, "main")) as object);
      // JSON.parse turns the escapes back into the same strings; compare in the written order.
      const order = [...encodeJson(obj, "main").matchAll(/[{,]("(?:[^"\\]|\\.)*"):/g)].map(
        (m) => JSON.parse(m[1]!) as string,
      );
      expect(order).toEqual([...keys].sort(codePointCompare));
      expect(written.length).toBe(keys.length);
    }
  });

  it("only the keys from the first high key on are re-sorted; earlier ones stay in place", () => {
    // UTF-16 order: a, b, "😀x" (a surrogate pair), U+E000, U+FFFF; by code point the astral char sorts last.
    // A lone surrogate is its own code point, 0xD800..0xDFFF, so it stays before U+E000.
    const obj = { a: 1, "\uffff": 2, b: 3, "😀x": 4, "\ue000": 5, "\ud800": 6 };
    expect(encodeJson(obj, "main")).toBe(
      '{"a":1,"b":3,"\\ud800":6,"\\ue000":5,"\\uffff":2,"\\ud83d\\ude00x":4}',
    );
    expect(encodeJson(obj, "main")).toBe(stringEncodeJson(obj));
  });

  it("long strings with something to escape at the very end take the escaping loop", () => {
    const plain = "x".repeat(200);
    for (const tail of ['"', "\\", "\x7f", "\u00e9", "\n", "\ud800", "😀"]) {
      expect(encodeJson(plain + tail, "main")).toBe(referenceQuote(plain + tail));
      expect(encodeJson(tail + plain, "main")).toBe(referenceQuote(tail + plain));
    }
    expect(encodeJson(plain, "main")).toBe(`"${plain}"`);
  });

  it("long keys (not cached) and more distinct keys than the cache holds", () => {
    const long = "k".repeat(100);
    const many: Record<string, number> = { [long]: 1, [`${long}\u00e9`]: 2 };
    for (let i = 0; i < 20000; i++) many[`key${i}`] = i;
    expect(encodeJson(many, "main")).toBe(stringEncodeJson(many));
    expect(encodeJson(many, "main")).toBe(stringEncodeJson(many));
  });

  it("values larger than the kept buffer, then small ones", () => {
    const big = {
      a: "y".repeat(5_000_000),
      b: Array.from({ length: 50_000 }, (_, i) => ({ i, s: `\u00e9${i}` })),
    };
    expect(encodeJson(big, "main")).toBe(stringEncodeJson(big));
    expect(encodeJson({ small: [1, 2] }, "main")).toBe('{"small":[1,2]}');
  });

  it("is re-entrant: a getter that encodes does not clobber the outer buffer", () => {
    const obj = {
      a: 1,
      get b() {
        return latin1(encodeNodeData({ inner: "x".repeat(100) }, [["s", [1, 2, 3]]]));
      },
      c: "z",
    };
    const inner = `{"inner":"${"x".repeat(100)}"}\ns\n[1,2,3]`;
    expect(latin1(encodeNodeData(obj))).toBe(`{"a":1,"b":${JSON.stringify(inner)},"c":"z"}`);
  });

  it("an encode that fails half way leaves nothing behind for the next one", () => {
    expect(() => encodeNodeData({ a: "x".repeat(1000), b: new Date(0) })).toThrow(/main\.b is a Date/);
    expect(latin1(encodeNodeData({ ok: true }))).toBe('{"ok":true}');
  });
});

/** JSON texts: our encoder's output, plus whitespace and the shapes the scans look for. */
const jsonText = fc.oneof(
  value.map((v) => encodeJson(v, "main")),
  fc.json(),
  fc
    .tuple(
      value.map((v) => encodeJson(v, "main")),
      fc.constantFrom(": ", " :", ", ", " ,", "\t", "\r\n"),
    )
    .map(([t, ws]) => t.replaceAll(":", ws.includes(":") || ws.includes(",") ? ws : `${ws}:`)),
  fc.constantFrom(
    "-0",
    "[-0]",
    '{"a":-0}',
    "[ -0 ,1]",
    "[-0.0,0.0,1.0,1e+16,1E5,1.5e+16,1e-05,-0e0]",
    "[1.0000000000000001,123456789012345678.5,0.30000000000000004,1733443200.1234567,9999999999999999.5]",
    "[9007199254740991,9007199254740992,-9007199254740993,12345678901234567890]",
    '{"\\n":1}',
    '{"\\\\":1,"\\"":2}',
    '{"\\u00e9" :1}',
    '{"a":"\\n","\\t":[]}',
    '"-0"',
    '"12345678901234567890"',
    "NaN",
    "[Infinity,-Infinity]",
    '{"a":1,"a":2}',
    '{"__proto__":{"x":1}}',
  ),
);

/** Float literals near integers, with 1 to 25 digits: the lossless scan must send every integral one slow. */
const nearIntegerFloats = fc
  .array(
    fc
      .tuple(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.constantFrom("0", "9"),
        fc.integer({ min: 0, max: 20 }),
        fc.stringMatching(/^[0-9]{1,4}$/),
        fc.boolean(),
      )
      .map(([i, d, n, tail, neg]) => `${neg ? "-" : ""}${i}.${d.repeat(n)}${tail}`),
    { minLength: 1, maxLength: 5 },
  )
  .map((xs) => `[${xs.join(",")}]`);

describe("decode fast path (JSON.parse when the scans allow it) == the exact parser", () => {
  it("lossless, on float literals near integers", () => {
    fc.assert(
      fc.property(nearIntegerFloats, (t) => {
        expect(parseJson(t, true, "main")).toEqual(parseJsonExact(t, true, "main"));
      }),
      { numRuns: 2000 },
    );
  });

  it("plain and lossless, on arbitrary texts", () => {
    fc.assert(
      fc.property(jsonText, fc.boolean(), (t, lossless) => {
        let exact: unknown;
        try {
          exact = parseJsonExact(t, lossless, "main");
        } catch {
          expect(() => parseJson(t, lossless, "main")).toThrow();
          return;
        }
        expect(parseJson(t, lossless, "main")).toEqual(exact);
      }),
      { numRuns: 500 },
    );
  });

  it("through the framing, main and subkeys", () => {
    fc.assert(
      fc.property(value, value, (main, sub) => {
        const bytes = encodeNodeData(main, [["s", sub]]);
        expect(decodeNodeData(bytes)).toEqual(parseJsonExact(encodeJson(main, "m"), false, "m"));
        const ll = parseNodeData(bytes, { lossless: true });
        expect(ll.main).toEqual(parseJsonExact(encodeJson(main, "m"), true, "m"));
        expect(latin1(encodeNodeData(ll.main, ll.subkeys))).toBe(latin1(bytes));
      }),
    );
  });
});
