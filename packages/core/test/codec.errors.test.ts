import { describe, expect, it } from "vitest";
import { CorruptNodeError, InvalidDataError } from "../src/errors.js";
import {
  decodeNodeData,
  encodeNodeData,
  formatPythonFloat,
  PyFloat,
  parseNodeData,
  pyFloat,
  RawSubkeyName,
} from "../src/format/index.js";
import { latin1 } from "./helpers/codec-values.js";

const bytes = (s: string): Uint8Array => Buffer.from(s, "latin1");
const enc = (main: unknown, subkeys?: Array<[string | RawSubkeyName, unknown]>): string =>
  latin1(encodeNodeData(main, subkeys));

describe("encodeNodeData: numbers", () => {
  it("writes integral numbers as Python ints and the rest as Python float repr", () => {
    expect(
      enc([0, -0, 1e16, 2 ** 53 + 2, -(2 ** 70), 1e21, 0.5, 1e-5, Number.NaN, Infinity, -Infinity]),
    ).toBe(
      "[0,-0.0,10000000000000000,9007199254740994,-1180591620717411303424,1000000000000000000000,0.5,1e-05,NaN,Infinity,-Infinity]",
    );
    expect(enc([123n, -(2n ** 64n)])).toBe("[123,-18446744073709551616]");
  });

  it("writes PyFloat as a float even when integral", () => {
    expect(enc([pyFloat(1), pyFloat(-0), pyFloat(1e16), pyFloat(1e21), pyFloat(100), pyFloat(1.5)])).toBe(
      "[1.0,-0.0,1e+16,1e+21,100.0,1.5]",
    );
    expect(pyFloat(2)).toBeInstanceOf(PyFloat);
    expect(+pyFloat(2)).toBe(2);
    expect(JSON.stringify(pyFloat(2))).toBe("2");
  });

  it("formats floats like Python's repr", () => {
    const cases: Array<[number, string]> = [
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [1234567890000000, "1234567890000000.0"],
      [1e16, "1e+16"],
      [1.5e16, "1.5e+16"],
      [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
      [-2.5e-7, "-2.5e-07"],
      [123456789.123, "123456789.123"],
      [0.001, "0.001"],
      [0.000999, "0.000999"],
      [999999999999999.9, "999999999999999.9"],
    ];
    for (const [n, s] of cases) expect(formatPythonFloat(n)).toBe(s);
  });
});

describe("encodeNodeData: rejected values", () => {
  const fails = (value: unknown, message: RegExp) => {
    const err = (() => {
      try {
        encodeNodeData(value);
      } catch (e) {
        return e;
      }
      throw new Error("expected encodeNodeData to throw");
    })();
    expect(err).toBeInstanceOf(InvalidDataError);
    expect((err as Error).message).toMatch(message);
  };

  it("names undefined, functions, symbols and non-plain objects with their path", () => {
    fails({ user: { id: 1, name: undefined } }, /main\.user\.name is undefined.*omit the key or use null/);
    fails({ user: { created: new Date(0) } }, /main\.user\.created is a Date.*ISO string/);
    fails({ m: new Map() }, /main\.m is a Map.*Object\.fromEntries/);
    fails({ s: [1, new Set()] }, /main\.s\[1\] is a Set.*Array\.from/);
    fails({ "odd key": () => 1 }, /main\["odd key"\] is a function/);
    fails([Symbol("x")], /main\[0\] is a symbol/);
    fails({ b: new Uint8Array(2) }, /main\.b is a Uint8Array/);
    fails(new (class Point {})(), /main is a Point/);
    fails(undefined, /main is undefined/);
    // A hole in a sparse array reads as undefined: Python lists have no holes.
    fails(new Array(3).fill(1, 0, 1), /main\[1\] is undefined/);
  });

  it("rejects circular references and too-deep nesting", () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    fails(a, /main\.self\.back is a circular reference/);
    let deep: unknown = 1;
    for (let i = 0; i < 1100; i++) deep = [deep];
    fails(deep, /nested deeper than 1000 levels/);
  });

  it("keeps the too-deep error one short line that names the depth (the path alone would be 3 kB)", () => {
    for (const wrap of [(v: unknown) => [v], (v: unknown) => ({ child: v })]) {
      let deep: unknown = 1;
      for (let i = 0; i < 1100; i++) deep = wrap(deep);
      const error = (() => {
        try {
          encodeNodeData(deep);
        } catch (e) {
          return e as Error;
        }
        throw new Error("expected encodeNodeData to throw");
      })();
      expect(error).toBeInstanceOf(InvalidDataError);
      expect(error.message.length).toBeLessThan(300);
      expect(error.message).toMatch(
        /^Cannot encode main: main\S+…\S+ is nested deeper than 1000 levels \(level 1001\)/,
      );
    }
  });

  it("names the subkey whose value is bad", () => {
    expect(() => encodeNodeData({}, [["unprocessed", { t: new Date() }]])).toThrow(
      /subkey "unprocessed"\.t is a Date/,
    );
  });

  it("accepts null-prototype objects and shared (non-circular) references", () => {
    const shared = { a: 1 };
    const o = Object.assign(Object.create(null), { b: shared, a: shared });
    expect(enc(o)).toBe('{"a":{"a":1},"b":{"a":1}}');
  });
});

describe("encodeNodeData: subkey names", () => {
  // The empty name is not here: Sentry writes and reads it (codec.subkeys.test.ts).
  const bad: Array<[unknown, RegExp]> = [
    ["a\nb", /line break/],
    ["a\rb", /line break/],
    ["caf\u00e9", /must be ASCII/],
    [" padded", /whitespace/],
    ["padded\t", /whitespace/],
    [42, /must be a string/],
  ];
  it.each(bad)("rejects %j", (name, message) => {
    expect(() => encodeNodeData({}, [[name as string, 1]])).toThrow(InvalidDataError);
    expect(() => encodeNodeData({}, [[name as string, 1]])).toThrow(message);
  });

  it("rejects duplicates and malformed entries", () => {
    expect(() =>
      encodeNodeData({}, [
        ["a", 1],
        ["a", 2],
      ]),
    ).toThrow(/"a" appears twice/);
    expect(() => encodeNodeData({}, [["a"] as unknown as [string, unknown]])).toThrow(/\[name, value\] pair/);
    expect(() => encodeNodeData({}, {} as never)).toThrow(/must be an array/);
  });

  it("writes RawSubkeyName verbatim (what the lossless parser returns for odd names)", () => {
    expect(enc({}, [[new RawSubkeyName(" k "), 1]])).toBe("{}\n k \n1");
    expect(enc({}, [[new RawSubkeyName("caf\u00e9"), 1]])).toBe("{}\ncaf\u00c3\u00a9\n1"); // UTF-8 bytes
    expect(new RawSubkeyName(" k ").name).toBe("k");
    expect(() => new RawSubkeyName("a\nb")).toThrow(InvalidDataError);
  });
});

describe("decodeNodeData", () => {
  it("follows Sentry's reader for framing", () => {
    expect(decodeNodeData(bytes(""))).toBeNull();
    expect(decodeNodeData(bytes(""), "k")).toBeNull();
    expect(decodeNodeData(bytes('{"a":1}'), "k")).toBeNull();
    expect(decodeNodeData(bytes('{"a":1}\nk'), "k")).toBeNull(); // nothing after the key
    expect(decodeNodeData(bytes('{"a":1}\nk\n2\n'), "k")).toBe(2); // trailing break adds no line
    expect(decodeNodeData(bytes('{"a":1}\nx\nk\nk\n3'), "k")).toBe(3); // value lines are never keys
    expect(decodeNodeData(bytes('{"a":1}\n\x0b k\x0c\t\n4'), "k")).toBe(4); // bytes.strip() whitespace
    expect(decodeNodeData(bytes('{"a":1}\nk\n5\nk\n6'), "k")).toBe(5); // first match wins
    expect(decodeNodeData(bytes('{"a":1}\r\n\r\nk\r\n7'), "k")).toBeNull(); // empty key line, then "k" is a value
  });

  it("raises on an empty value line, as json.loads(b'') does", () => {
    expect(() => decodeNodeData(bytes('{"a":1}\nk\n\nz'), "k")).toThrow(CorruptNodeError);
    expect(() => decodeNodeData(bytes("\n"))).toThrow(CorruptNodeError);
  });

  it("reads NaN/Infinity, unsafe integers as bigint, -0 as Python's int 0", () => {
    const v = decodeNodeData(
      bytes('{"n":NaN,"i":[Infinity,-Infinity],"b":9007199254740992,"s":9007199254740991,"z":-0,"f":-0.0}'),
    ) as Record<string, unknown>;
    expect(v.n).toBeNaN();
    expect(v.i).toEqual([Infinity, -Infinity]);
    expect(v.b).toBe(9007199254740992n);
    expect(v.s).toBe(9007199254740991);
    expect(Object.is(v.z, 0)).toBe(true);
    expect(Object.is(v.f, -0)).toBe(true);
  });

  it("is not fooled by number-like text inside strings", () => {
    const line = '{"s":"NaN Infinity -0 12345678901234567890","t":"x:12345678901234567890","n":1.0}';
    expect(decodeNodeData(bytes(line))).toEqual({
      s: "NaN Infinity -0 12345678901234567890",
      t: "x:12345678901234567890",
      n: 1,
    });
  });

  it("accepts whitespace and UTF-8 from other writers", () => {
    const utf8 = Buffer.from(
      '{ "m" : "h\u00e9llo \ud83d\ude00" , "big" : [ 12345678901234567890 ] }\n',
      "utf8",
    );
    expect(decodeNodeData(utf8)).toEqual({ m: "h\u00e9llo \ud83d\ude00", big: [12345678901234567890n] });
  });

  it("keeps __proto__ as an own property", () => {
    for (const line of ['{"__proto__":{"polluted":1}}', '{"__proto__":{"polluted":1},"n":NaN}']) {
      const v = decodeNodeData(bytes(line)) as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.hasOwn(v, "__proto__")).toBe(true);
      expect((v as { polluted?: unknown }).polluted).toBeUndefined();
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      const lossless = parseNodeData(bytes(line), { lossless: true }).main as object;
      expect(Object.hasOwn(lossless, "__proto__")).toBe(true);
      expect(Object.getPrototypeOf(lossless)).toBe(Object.prototype);
      // And it encodes back as a key.
      expect(latin1(encodeNodeData(lossless)).startsWith('{"__proto__":')).toBe(true);
    }
  });

  it("reports invalid JSON as CorruptNodeError at the json layer, naming the line", () => {
    const cases = [
      '{"a":',
      "{'a':1}",
      '{"a":1,}',
      '{"a":01}',
      '{"a":1} x',
      '{"a":-}',
      '["\x01"]',
      "nan",
      '{"a":NaN',
    ];
    for (const c of cases) {
      for (const decode of [
        () => decodeNodeData(bytes(c)),
        () => parseNodeData(bytes(c), { lossless: true }),
      ]) {
        const err = (() => {
          try {
            decode();
          } catch (e) {
            return e;
          }
          throw new Error(`expected ${JSON.stringify(c)} to fail`);
        })();
        expect(err).toBeInstanceOf(CorruptNodeError);
        expect((err as CorruptNodeError).layer).toBe("json");
        expect((err as Error).message).toMatch(/main is not valid JSON/);
      }
    }
    expect(() => decodeNodeData(bytes('{}\nk\n{"a":'), "k")).toThrow(/subkey "k" is not valid JSON/);
    expect(() => decodeNodeData(Buffer.from([0x22, 0xff, 0x22]))).toThrow(/not valid UTF-8/);
  });

  it("rejects a non-ASCII subkey name as Sentry does", () => {
    expect(() => decodeNodeData(bytes("{}"), "caf\u00e9")).toThrow(InvalidDataError);
  });
});

describe("parseNodeData", () => {
  it("keeps Python's float/int distinction and big ints in lossless mode", () => {
    const r = parseNodeData(
      bytes('{"a":1.0,"b":1e+16,"c":-0.0,"d":0.5,"e":18446744073709551616,"f":NaN,"g":7}'),
      {
        lossless: true,
      },
    );
    const m = r.main as Record<string, unknown>;
    expect(m.a).toEqual(pyFloat(1));
    expect(m.b).toEqual(pyFloat(1e16));
    expect(Object.is((m.c as PyFloat).value, -0)).toBe(true);
    expect(m.d).toBe(0.5);
    expect(m.e).toBe(18446744073709551616n);
    expect(m.f).toBeNaN();
    expect(m.g).toBe(7);
    const plain = parseNodeData(bytes('{"a":1.0,"b":1e+16}')).main;
    expect(plain).toEqual({ a: 1, b: 1e16 });
  });

  it("returns names as readers match them, or RawSubkeyName when only the raw line reproduces the bytes", () => {
    const data = bytes("{}\n k \n1\nplain\n2\ncaf\u00c3\u00a9\n3");
    expect(parseNodeData(data).subkeys).toEqual([
      ["k", 1],
      ["plain", 2],
      ["caf\u00e9", 3],
    ]);
    const lossless = parseNodeData(data, { lossless: true });
    expect(lossless.subkeys).toEqual([
      [new RawSubkeyName(" k "), 1],
      ["plain", 2],
      [new RawSubkeyName("caf\u00e9"), 3],
    ]);
    expect(latin1(encodeNodeData(lossless.main, lossless.subkeys))).toBe(latin1(data));
  });

  it("plain mode follows the reader for duplicates and dangling names; lossless mode refuses a dangling name", () => {
    expect(parseNodeData(bytes("{}\nk\n1\nk\n2\nz")).subkeys).toEqual([["k", 1]]);
    // A repeated name is kept losslessly (codec.subkeys.test.ts); a name without a value cannot be re-encoded.
    expect(() => parseNodeData(bytes("{}\nk\n1\nz"), { lossless: true })).toThrow(/"z" has no value line/);
    expect(() => parseNodeData(bytes("{}\nk\n1\nz"), { lossless: true })).toThrow(CorruptNodeError);
  });

  it("gives main null for empty input", () => {
    expect(parseNodeData(bytes(""))).toEqual({ main: null, subkeys: [] });
    expect(parseNodeData(bytes(""), { lossless: true })).toEqual({ main: null, subkeys: [] });
  });
});

describe("decodeNodeData: unsafe integers at every offset", () => {
  it("finds a 16/17-digit integer wherever it sits in the line (the scan probes every 16th char)", () => {
    for (let pad = 0; pad < 40; pad++) {
      for (const digits of ["9007199254740992", "12345678901234567", "-9007199254740993"]) {
        const line = `{"${"p".repeat(pad)}":[${digits}]}`;
        expect((decodeNodeData(bytes(line)) as Record<string, unknown[]>)["p".repeat(pad)]).toEqual([
          BigInt(digits),
        ]);
        const safe = `{"${"p".repeat(pad)}":[9007199254740991,0.1234567890123456789]}`;
        expect(decodeNodeData(bytes(safe))).toEqual({
          ["p".repeat(pad)]: [9007199254740991, Number("0.1234567890123456789")],
        });
      }
    }
  });
});

describe("decodeNodeData: V8 JSON.parse key bug (nodejs/node#63785)", () => {
  it("reads one-char escaped keys correctly even after JSON.parse has been poisoned", () => {
    // On Node 24 this poisons V8's key cache: later keys like "\u00e9" read back as "\\" from JSON.parse.
    JSON.parse('{"h":[],"\\\\":0}');
    const value = {
      h: 1,
      "\u00e9": 2,
      "\n": 3,
      '"': 4,
      "\\": 5,
      "\ud800": 6,
      nested: [{ a: 1, "\u0000": 7 }],
    };
    const bytes = encodeNodeData(value);
    expect(latin1(bytes)).toContain('"\\u00e9":2');
    expect(decodeNodeData(bytes)).toEqual(value);
    expect(decodeNodeData(Buffer.from('{"h":1, "\\u0041" :2}'))).toEqual({ h: 1, A: 2 });
  });
});
