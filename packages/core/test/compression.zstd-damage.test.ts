import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { base64, CorruptNodeError, compression } from "../src/index.js";
import { pythonOrSkip, runPython } from "./helpers/python.js";

/**
 * Issue #10 case 3 (a flipped bit in a stored zstd object was served as different data) and case 11 (the zstd
 * magic followed by garbage was reported as "truncated").
 */

const content = Buffer.from(
  JSON.stringify({ a: "hallo world ".repeat(30), frames: Array.from({ length: 60 }, (_, i) => `f${i * 7}`) }),
);

/** [start, end) of each block's content in a one-frame payload (RFC 8878 §3.1.1). */
function blockContents(frame: Uint8Array): Array<[number, number]> {
  const descriptor = frame[4]!;
  const singleSegment = (descriptor >> 5) & 1;
  const fcsSize = [singleSegment, 2, 4, 8][descriptor >> 6]!;
  let pos = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3]! + fcsSize;
  const out: Array<[number, number]> = [];
  for (;;) {
    const header = frame[pos]! | (frame[pos + 1]! << 8) | (frame[pos + 2]! << 16);
    const size = ((header >> 1) & 3) === 1 ? 1 : header >>> 3; // an RLE block holds one byte
    out.push([pos + 3, pos + 3 + size]);
    pos += 3 + size;
    if (header & 1) return out;
  }
}

/** Each single-bit flip inside the blocks: what the codec returns, or the error it throws. */
function flips(frame: Uint8Array, decompress: (b: Uint8Array) => Uint8Array) {
  const served: string[] = [];
  const errors: CorruptNodeError[] = [];
  for (const [start, end] of blockContents(frame)) {
    for (let i = start; i < end; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = Buffer.from(frame);
        damaged[i]! ^= 1 << bit;
        try {
          const out = Buffer.from(decompress(damaged));
          if (!out.equals(content)) served.push(`byte ${i} bit ${bit}`);
        } catch (e) {
          errors.push(e as CorruptNodeError);
        }
      }
    }
  }
  return { served, errors };
}

describe("zstd frames carry a content checksum (#3)", () => {
  const frame = compression.zstd.compress(content);

  it("sets the checksum flag and keeps the content size and level 3", () => {
    const descriptor = frame[4]!;
    expect((descriptor >> 2) & 1).toBe(1); // Content_Checksum_flag
    expect(descriptor >> 6 > 0 || ((descriptor >> 5) & 1) === 1).toBe(true); // Frame_Content_Size present
    const level3 = zlib.zstdCompressSync(content, {
      params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 },
      pledgedSrcSize: content.byteLength,
    });
    expect(frame.byteLength).toBe(level3.byteLength + 4); // the same frame plus the 4-byte checksum
  });

  it("refuses every single-bit flip in the compressed block: damage is never served as data", () => {
    expect(blockContents(frame).length).toBeGreaterThan(0);
    const { served, errors } = flips(frame, (b) => compression.zstd.decompress(b));
    expect(served).toEqual([]);
    expect(errors.length).toBeGreaterThan(1000);
    for (const e of errors) {
      expect(e).toBeInstanceOf(CorruptNodeError);
      expect(e.layer).toBe("zstd");
      expect(e.retryable).toBe(false);
    }
  });

  it("without the checksum (the frames we wrote before), some flips were served as different data", () => {
    const unchecked = zlib.zstdCompressSync(content, {
      params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 },
      pledgedSrcSize: content.byteLength,
    });
    expect(flips(unchecked, (b) => compression.zstd.decompress(b)).served.length).toBeGreaterThan(0);
  });

  it("python-zstandard's one-shot decompress() reads our checksummed frames and refuses a flipped one", (ctx) => {
    const python = pythonOrSkip(ctx, ["zstandard"]);
    const [start] = blockContents(frame)[0]!;
    const damaged = Buffer.from(frame);
    damaged[start + 5]! ^= 0x10;
    const out = runPython(
      python,
      [
        "import sys,base64,zstandard",
        "d=zstandard.ZstdDecompressor()",
        "for l in sys.stdin.read().split():",
        "    try: print(d.decompress(base64.b64decode(l)).hex())",
        "    except zstandard.ZstdError as e: print('ZstdError', e)",
      ].join("\n"),
      [base64.encode(frame), base64.encode(damaged)].join("\n"),
    );
    const [good, bad] = out.trim().split("\n");
    expect(good).toBe(content.toString("hex"));
    expect(bad).toMatch(/^ZstdError/);
  });
});

describe("zstd damage is named for what it is (#11)", () => {
  const layer = (bytes: Uint8Array) => {
    try {
      compression.zstd.decompress(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(CorruptNodeError);
      expect((e as CorruptNodeError).layer).toBe("zstd");
      return (e as CorruptNodeError).detail;
    }
    throw new Error("expected a CorruptNodeError");
  };
  const magic = Buffer.from("28b52ffd", "hex");

  it("reports the magic number followed by garbage as an invalid frame, not a truncated one", () => {
    for (const garbage of [
      "this is garbage after the magic number",
      "\u00ff".repeat(40),
      "\u0008\u0000\u0000\u0000",
      "hello world, not zstd at all",
    ]) {
      const detail = layer(Buffer.concat([magic, Buffer.from(garbage, "latin1")]));
      expect(detail, garbage).toMatch(/^invalid zstd frame/);
      expect(detail, garbage).not.toMatch(/truncated/);
    }
  });

  it("reports a frame cut short as truncated", () => {
    // Eight zero bytes are a valid start (header, then empty raw blocks that are not the last): cut short.
    expect(layer(Buffer.concat([magic, Buffer.alloc(8)]))).toMatch(/^truncated zstd frame/);
    const frame = compression.zstd.compress(content);
    for (const end of [3, 6, 12, frame.byteLength >> 1, frame.byteLength - 1]) {
      expect(layer(frame.subarray(0, end)), `cut at ${end}`).toMatch(/^truncated zstd frame/);
    }
  });

  it("reports bytes that are no zstd frame at all as such", () => {
    expect(layer(Buffer.from("not zstd"))).toBe("no zstd frame at byte 0");
    expect(layer(Buffer.concat([compression.zstd.compress(content), Buffer.from("tail")]))).toMatch(
      /^no zstd frame at byte \d+/,
    );
  });
});
