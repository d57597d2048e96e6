import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { base64, CorruptNodeError, compression, isZstdFrame, zlibBase64 } from "../src/index.js";
import { bytesOf, goldenRows } from "./helpers/golden.js";
import { findPython, runPython } from "./helpers/python.js";

const requireServices = process.env.NODESTORE_REQUIRE_SERVICES === "1";
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("compression layers of every golden vector (Python wrote them)", () => {
  it("has all 65 vectors", () => {
    expect(goldenRows).toHaveLength(65);
  });

  for (const row of goldenRows) {
    it(`${row.name}: zlib, base64(zlib) and zstd decompress to the encoded bytes`, () => {
      const expected = hex(bytesOf(row));
      expect(hex(compression.zlib.decompress(base64.decode(row.zlib_b64)))).toBe(expected);
      expect(hex(zlibBase64.decode(row.django_data))).toBe(expected);
      expect(hex(compression.zstd.decompress(base64.decode(row.zstd_b64)))).toBe(expected);
    });
  }
});

describe("what we write", () => {
  const samples = [
    new Uint8Array(0),
    Buffer.from('{"a":1}'),
    Buffer.from(JSON.stringify({ frames: Array.from({ length: 20000 }, (_, i) => `frame ${i}`) })),
  ];

  it("zlib: a zlib stream (78 9c header, level 6) that inflates back", () => {
    for (const s of samples) {
      const z = compression.zlib.compress(s);
      expect(hex(z.subarray(0, 2))).toBe("789c");
      expect(hex(compression.zlib.decompress(z))).toBe(hex(s));
    }
  });

  it("zstd: one frame that carries the content size, at every size", () => {
    for (const s of samples) {
      const frame = compression.zstd.compress(s);
      expect(isZstdFrame(frame)).toBe(true);
      const descriptor = frame[4]!;
      const singleSegment = (descriptor >> 5) & 1;
      const fcsFlag = descriptor >> 6;
      // Frame_Content_Size is present when the FCS flag is set or the frame is single-segment.
      expect(fcsFlag > 0 || singleSegment === 1).toBe(true);
      expect(hex(compression.zstd.decompress(frame))).toBe(hex(s));
    }
  });

  it("zstd: reads frames without a content size and concatenated frames", () => {
    const zstdCli = spawnSync("zstd", ["--version"]);
    if (zstdCli.status !== 0) return expect.soft(requireServices, "zstd CLI missing").toBe(false);
    const input = Buffer.from("hello zstd ".repeat(1000));
    // `--no-content-size` through a pipe: a streaming frame, like many writers other than python-zstandard.
    const streamed = spawnSync("zstd", ["-c", "--no-content-size"], { input }).stdout as Buffer;
    expect(streamed[4]! >> 6).toBe(0);
    expect(Buffer.from(compression.zstd.decompress(streamed)).equals(input)).toBe(true);
    const twice = Buffer.concat([compression.zstd.compress(input), compression.zstd.compress(input)]);
    expect(Buffer.from(compression.zstd.decompress(twice)).equals(Buffer.concat([input, input]))).toBe(true);
    const skippable = Buffer.from("502a4d1804000000deadbeef", "hex");
    const mixed = Buffer.concat([skippable, streamed, compression.zstd.compress(input)]);
    expect(Buffer.from(compression.zstd.decompress(mixed)).equals(Buffer.concat([input, input]))).toBe(true);
  });

  it("base64: standard alphabet, padded, no line breaks", () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
    const text = base64.encode(bytes);
    expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(text).toBe(Buffer.from(bytes).toString("base64"));
    expect(hex(base64.decode(text))).toBe(hex(bytes));
    expect(hex(base64.decode(`${text.slice(0, 76)}\n${text.slice(76)}`))).toBe(hex(bytes));
  });

  it("refuses corrupt input with a typed error naming the layer", () => {
    const layer = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(CorruptNodeError);
        return (e as CorruptNodeError).layer;
      }
      throw new Error("no error");
    };
    expect(layer(() => base64.decode("eJ-_"))).toBe("base64");
    expect(layer(() => base64.decode("abc"))).toBe("base64");
    expect(layer(() => compression.zlib.decompress(Buffer.from("not zlib")))).toBe("zlib");
    // gzip and raw deflate are not what Sentry writes or reads.
    expect(
      layer(() =>
        compression.zlib.decompress(Buffer.from("1f8b0800000000000003abae050043bfa6a302000000", "hex")),
      ),
    ).toBe("zlib");
    expect(layer(() => compression.zstd.decompress(Buffer.from("not zstd")))).toBe("zstd");
    const truncated = compression.zstd.compress(Buffer.from("x".repeat(5000))).subarray(0, 12);
    expect(layer(() => compression.zstd.decompress(truncated))).toBe("zstd");
  });
});

describe("Python reads what we write", () => {
  const corpus = goldenRows.map(bytesOf);

  it("zlib.decompress(base64.b64decode(x)) reads our Django-format strings", () => {
    const python = findPython([]);
    if (!python) throw new Error("python3 is required for this test");
    const lines = corpus.map((b) => zlibBase64.encode(b)).join("\n");
    const out = runPython(
      python,
      "import sys,zlib,base64\nfor l in sys.stdin.read().split('\\n'):\n    sys.stdout.write(zlib.decompress(base64.b64decode(l)).hex()+'\\n')",
      lines,
    );
    expect(out.trim().split("\n")).toEqual(corpus.map(hex));
  });

  it("python-zstandard's ZstdDecompressor().decompress() reads our zstd frames", (ctx) => {
    const python = findPython(["zstandard"]);
    if (!python) {
      if (requireServices)
        throw new Error("NODESTORE_REQUIRE_SERVICES=1 but no Python with zstandard was found");
      console.warn("[skip] python-zstandard not installed: run `pnpm services up` (or set NODESTORE_PYTHON)");
      return ctx.skip();
    }
    const lines = corpus.map((b) => base64.encode(compression.zstd.compress(b))).join("\n");
    const out = runPython(
      python,
      "import sys,base64,zstandard\nd=zstandard.ZstdDecompressor()\nfor l in sys.stdin.read().split('\\n'):\n    sys.stdout.write(d.decompress(base64.b64decode(l)).hex()+'\\n')",
      lines,
    );
    expect(out.trim().split("\n")).toEqual(corpus.map(hex));
  });

  it("the zstd CLI reads our zstd frames", () => {
    const input = corpus[12]!;
    const result = spawnSync("zstd", ["-d", "-c"], { input: compression.zstd.compress(input) });
    if (result.error) return expect.soft(requireServices, "zstd CLI missing").toBe(false);
    expect(hex(result.stdout as Buffer)).toBe(hex(input));
  });
});
