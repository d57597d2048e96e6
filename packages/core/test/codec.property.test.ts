import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeNodeData,
  encodeNodeData,
  formatPythonFloat,
  PyFloat,
  parseNodeData,
} from "../src/format/index.js";
import { compareCodePoints, sortKeysPython } from "../src/format/json/key-order.js";
import { codePointCompare, latin1, referenceEncode } from "./helpers/codec-values.js";

/** Chars that stress the escaper and the key order: controls, DEL, BMP both sides of the surrogates, astral, lone surrogates. */
const char = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("\0", "\b", "\t", "\n", "\v", "\f", "\r", "\x1f", "\x7f", '"', "\\", "/"),
  fc.integer({ min: 0x80, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xe000, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
const text = fc.array(char, { maxLength: 12 }).map((cs) => cs.join(""));
const key = fc.oneof(text, fc.constantFrom("a", "b", "\ufb01", "😀", "\ue000", "\ud800", "aa", ""));

const plainLeaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  text,
  fc.integer(),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
);
const numberLeaf = fc.oneof(
  fc.double(), // includes -0, NaN, ±Infinity, subnormals
  fc.constantFrom(1e16, 1e21, -1e22, 2 ** 53, 0.1, 1e-5, 5e-324),
  fc.double({ noNaN: true }).map((d) => new PyFloat(d)),
);

function tree(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("v"), { maxLength: 5 }),
      fc.dictionary(key, tie("v"), { maxKeys: 6 }),
    ),
  })).v;
}
const plainValue = tree(plainLeaf);
const anyValue = tree(fc.oneof(plainLeaf, numberLeaf));

/**
 * What a plain decode gives back for an encoded value: PyFloat unwraps to its number, integral numbers beyond
 * 2^53 and all bigints come back as Python ints (bigint when unsafe, number when safe).
 */
function normalise(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "bigint") return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v;
  if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v) && !Object.is(v, -0)) {
    return BigInt(v);
  }
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = normalise((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function isPrintableAscii(bytes: Uint8Array, allowNewline: boolean): boolean {
  return bytes.every((b) => (b >= 0x20 && b <= 0x7e) || (allowNewline && b === 0x0a));
}

// The empty name included: Sentry writes it as an empty key line and reads it back (issue #10, case 12).
const subkeyName = fc.oneof(
  { weight: 1, arbitrary: fc.constant("") },
  {
    weight: 9,
    arbitrary: fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,10}[\x21-\x7e])?$/).filter((s) => s.length > 0),
  },
);
const subkeyList = fc.uniqueArray(fc.tuple(subkeyName, anyValue), { maxLength: 4, selector: ([n]) => n });

describe("codec properties", () => {
  it("decode(encode(x)) gives x back, up to the documented normalisations", () => {
    fc.assert(
      fc.property(anyValue, (x) => {
        const bytes = encodeNodeData(x);
        expect(decodeNodeData(bytes)).toEqual(normalise(x));
      }),
    );
  });

  it("encode matches the obviously-correct reference encoder", () => {
    fc.assert(
      fc.property(plainValue, (x) => {
        expect(latin1(encodeNodeData(x))).toBe(referenceEncode(x));
      }),
    );
  });

  it("output is printable ASCII, with LF only between main and subkeys", () => {
    fc.assert(
      fc.property(anyValue, subkeyList, (main, subkeys) => {
        expect(isPrintableAscii(encodeNodeData(main), false)).toBe(true);
        const bytes = encodeNodeData(main, subkeys);
        expect(isPrintableAscii(bytes, true)).toBe(true);
        expect(bytes.filter((b) => b === 0x0a)).toHaveLength(subkeys.length * 2);
      }),
    );
  });

  it("a lossless parse re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(anyValue, subkeyList, (main, subkeys) => {
        const bytes = encodeNodeData(main, subkeys);
        const parsed = parseNodeData(bytes, { lossless: true });
        expect(latin1(encodeNodeData(parsed.main, parsed.subkeys))).toBe(latin1(bytes));
        expect(parsed.subkeys.map(([n]) => n)).toEqual(subkeys.map(([n]) => n));
      }),
    );
  });

  it("every subkey reads back by name, with LF, CRLF or CR framing", () => {
    fc.assert(
      fc.property(anyValue, subkeyList, fc.constantFrom("\n", "\r\n", "\r"), (main, subkeys, eol) => {
        const bytes = Buffer.from(latin1(encodeNodeData(main, subkeys)).replaceAll("\n", eol), "latin1");
        expect(decodeNodeData(bytes)).toEqual(normalise(main));
        for (const [name, value] of subkeys) expect(decodeNodeData(bytes, name)).toEqual(normalise(value));
        expect(decodeNodeData(bytes, "no such key")).toBeNull();
        expect(parseNodeData(bytes).subkeys).toEqual(subkeys.map(([n, v]) => [n, normalise(v)]));
      }),
    );
  });

  it("object keys are written in code point order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 8 }), (keys) => {
        expect(sortKeysPython([...keys])).toEqual([...keys].sort(codePointCompare));
        const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
        // The written order: parse the key literals from the output with the reference rules.
        const written = [...latin1(encodeNodeData(obj)).matchAll(/[{,]("(?:[^"\\]|\\.)*"):/g)].map(
          (m) => JSON.parse(m[1]!) as string,
        );
        expect(written).toEqual([...keys].sort(codePointCompare));
        expect(Object.keys(decodeNodeData(encodeNodeData(obj)) as object).sort(compareCodePoints)).toEqual(
          written,
        );
      }),
    );
  });

  it("formatPythonFloat round-trips and uses Python's layout", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const s = formatPythonFloat(d);
        expect(Object.is(Number(s), d)).toBe(true);
        const m = /^-?(\d+)(?:\.(\d+))?(?:e([-+])(\d+))?$/.exec(s);
        expect(m).not.toBeNull();
        const [, intPart, frac, , exp] = m!;
        if (exp === undefined) {
          expect(frac).toBeDefined(); // fixed notation always has a fraction (".0" at least)
          const a = Math.abs(d);
          expect(a === 0 || (a >= 1e-4 && a < 1e16)).toBe(true);
        } else {
          expect(intPart).toHaveLength(1);
          expect(exp.length).toBeGreaterThanOrEqual(2);
          const a = Math.abs(d);
          expect(a < 1e-4 || a >= 1e16).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
