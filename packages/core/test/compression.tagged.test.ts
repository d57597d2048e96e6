import { describe, expect, it } from "vitest";
import { CorruptNodeError, compression, compressTagged, decompressTagged } from "../src/index.js";

const json = Buffer.from(JSON.stringify({ frames: Array.from({ length: 500 }, (_, i) => `frame ${i}`) }));
const tiny = Buffer.from("{}");

describe("compressTagged / decompressTagged: compression named beside the value", () => {
  it("applies the layer when its output is not longer, and names it", () => {
    for (const codec of ["zlib", "zstd"] as const) {
      const out = compressTagged(json, codec);
      expect(out.codec).toBe(codec);
      expect(out.bytes.byteLength).toBeLessThan(json.byteLength);
      expect(Buffer.from(compression[codec].decompress(out.bytes)).equals(json)).toBe(true);
      expect(Buffer.from(decompressTagged(out.bytes, out.codec)).equals(json)).toBe(true);
    }
  });

  it("keeps the raw bytes, untagged, when the layer would make them longer or none is asked", () => {
    for (const codec of ["zlib", "zstd", undefined] as const) {
      const out = compressTagged(tiny, codec);
      expect(out).toEqual({ bytes: tiny, codec: undefined });
      expect(decompressTagged(out.bytes, out.codec)).toBe(tiny);
    }
  });

  it("takes zstd-tagged bytes without the zstd magic as already decoded, never decoding twice", () => {
    expect(decompressTagged(json, "zstd")).toBe(json);
  });

  it("reports damaged bytes under a tag as corrupt, naming the layer", () => {
    const zlib = compressTagged(json, "zlib").bytes;
    const error = (() => {
      try {
        decompressTagged(zlib.subarray(0, 10), "zlib");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CorruptNodeError);
    expect((error as CorruptNodeError).layer).toBe("zlib");
  });
});
