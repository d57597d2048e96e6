import * as zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { resetZstdContexts, zstdContexts } from "../src/format/compression/zstd-context.js";
import { base64, CorruptNodeError, compression } from "../src/index.js";

/**
 * Issue #12: the zstd codec reuses one compression and one decompression context (node:zlib's handle, called
 * the way node's own one-shot functions call it), and base64 decoding checks its input by encoding it again.
 * Both are speed paths: the bytes written, the bytes read and the errors must be those of the plain paths.
 */

const C = zlib.constants;

/** Deterministic pseudo-random bytes, compressible like JSON (a small alphabet with repeats). */
function sample(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x % 7 === 0 ? 32 + ((x >>> 8) % 90) : 97 + ((i >> 4) % 13);
  }
  return out;
}

const publicCompress = (b: Uint8Array) =>
  zlib.zstdCompressSync(b, {
    params: { [C.ZSTD_c_compressionLevel]: 3, [C.ZSTD_c_checksumFlag]: 1 },
    pledgedSrcSize: b.byteLength,
  });

const SIZES = [0, 1, 2, 100, 4095, 4096, 16384, 16385, 131071, 131072, 131073, 300_000, 1_100_000];

/** What decompress returns, or the error's layer and detail. */
function outcome(bytes: Uint8Array, maxBytes?: number): string {
  try {
    return `ok ${Buffer.from(compression.zstd.decompress(bytes, maxBytes)).toString("hex")}`;
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptNodeError);
    return `${(e as CorruptNodeError).layer}: ${(e as CorruptNodeError).detail}`;
  }
}

afterEach(() => resetZstdContexts());

describe("zstd through reused contexts", () => {
  it("is in use on this Node (the probe passed)", () => {
    expect(zstdContexts()).toBeDefined();
  });

  it("writes the bytes of node:zlib's one-shot zstdCompressSync, call after call, at every size", () => {
    for (let round = 0; round < 2; round++) {
      for (const [i, n] of SIZES.entries()) {
        const input = sample(n, i + round);
        const frame = compression.zstd.compress(input);
        expect(Buffer.from(frame).equals(publicCompress(input)), `size ${n}`).toBe(true);
        expect(Buffer.from(compression.zstd.decompress(frame)).equals(input), `size ${n}`).toBe(true);
      }
    }
  });

  it("takes plain Uint8Arrays and views into a larger buffer", () => {
    const big = sample(50_000, 9);
    const view = new Uint8Array(big.buffer, big.byteOffset + 1000, 20_000);
    const frame = compression.zstd.compress(view);
    expect(Buffer.from(frame).equals(publicCompress(view))).toBe(true);
    const framed = new Uint8Array(frame.byteLength + 10);
    framed.set(frame, 5);
    expect(
      Buffer.from(compression.zstd.decompress(framed.subarray(5, 5 + frame.byteLength))).equals(view),
    ).toBe(true);
  });

  it("keeps decoding good frames after damaged ones (a failed context is replaced)", () => {
    const input = sample(40_000, 3);
    const frame = Buffer.from(compression.zstd.compress(input));
    let refused = 0;
    for (let i = 20; i < frame.byteLength - 4; i += 37) {
      const damaged = Buffer.from(frame);
      damaged[i]! ^= 0x40;
      // Damage is refused, or lands on a bit the decoder never reads (then the content is intact).
      const result = outcome(damaged);
      if (result.startsWith("ok")) expect(result).toBe(`ok ${input.toString("hex")}`);
      else refused++;
      expect(Buffer.from(compression.zstd.decompress(frame)).equals(input)).toBe(true);
    }
    expect(refused).toBeGreaterThan(10);
  });

  it("gives the same results and errors as the public API, frame by frame and across frames", () => {
    const input = sample(30_000, 5);
    const frame = Buffer.from(compression.zstd.compress(input));
    const cases: Array<[Uint8Array, number | undefined]> = [
      [frame, undefined],
      [frame, input.byteLength],
      [frame, input.byteLength - 1],
      [Buffer.concat([frame, frame]), undefined],
      [Buffer.concat([frame, frame]), 2 * input.byteLength - 1],
      [Buffer.concat([frame, frame]), input.byteLength + 5],
      [frame.subarray(0, frame.byteLength - 1), undefined],
      [Buffer.concat([frame, Buffer.from("tail")]), undefined],
    ];
    for (let i = 6; i < frame.byteLength; i += 53) {
      for (const bit of [0, 3, 7]) {
        const damaged = Buffer.from(frame);
        damaged[i]! ^= 1 << bit;
        cases.push([damaged, undefined]);
      }
    }
    // A header that declares more content than its blocks can hold, and one that declares less.
    const lying = Buffer.from(frame);
    const fcsAt = 5 + (((lying[4]! >> 5) & 1) === 1 ? 0 : 1);
    lying.writeUInt32LE(input.byteLength + 1, fcsAt);
    cases.push([lying, undefined]);
    const short = Buffer.from(lying);
    short.writeUInt32LE(input.byteLength - 1, fcsAt);
    cases.push([short, undefined]);

    const reused = cases.map(([b, max]) => outcome(b, max));
    resetZstdContexts(false);
    expect(zstdContexts()).toBeUndefined();
    const plain = cases.map(([b, max]) => outcome(b, max));
    expect(reused).toEqual(plain);
    expect(reused.filter((r) => r.startsWith("ok")).length).toBeGreaterThan(2);
    expect(reused.filter((r) => !r.startsWith("ok")).length).toBeGreaterThan(20);
  });

  it("writes the same bytes when the contexts are off", () => {
    const input = sample(70_000, 11);
    const reused = Buffer.from(compression.zstd.compress(input));
    resetZstdContexts(false);
    expect(Buffer.from(compression.zstd.compress(input)).equals(reused)).toBe(true);
  });
});

/** The decoder as it was before the fast path: the reference the fast path must agree with. */
function referenceDecode(text: string): string {
  const clean = /\s/.test(text) ? text.replace(/\s+/g, "") : text;
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return "error";
  return Buffer.from(clean, "base64").toString("hex");
}

function decoded(text: string): string {
  try {
    return Buffer.from(base64.decode(text)).toString("hex");
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptNodeError);
    expect((e as CorruptNodeError).layer).toBe("base64");
    return "error";
  }
}

describe("base64 decoding", () => {
  it("accepts and refuses exactly what the alphabet check did", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const noise = ["-", "_", "=", "==", "\n", " ", "\r\n", "\t", "\u00a0", "\u2028", "é", "*", "\u0000"];
    const texts = [
      "",
      "=",
      "==",
      "QQ",
      "QQ=",
      "QQ==",
      "QR==",
      "QUI=",
      "QUJ=",
      "QUJD",
      "QQ==QQ==",
      "Q===",
      "eJ-_",
    ];
    let x = 7;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x % n;
    };
    for (let i = 0; i < 3000; i++) {
      const bytes = sample(rand(40), i);
      let text = bytes.toString("base64");
      const edits = rand(3);
      for (let e = 0; e < edits; e++) {
        const at = rand(text.length + 1);
        const what = rand(3);
        if (what === 0) text = text.slice(0, at) + noise[rand(noise.length)] + text.slice(at);
        else if (what === 1) text = text.slice(0, at) + alphabet[rand(64)] + text.slice(at + 1);
        else text = text.slice(0, at) + text.slice(at + 1);
      }
      texts.push(text);
    }
    let refused = 0;
    for (const text of texts) {
      const expected = referenceDecode(text);
      if (expected === "error") refused++;
      expect(decoded(text), JSON.stringify(text)).toBe(expected);
    }
    expect(refused).toBeGreaterThan(500);
  });
});
