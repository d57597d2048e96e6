import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  CorruptNode,
  CorruptNodeError,
  compression,
  DEFAULT_MAX_VALUE_BYTES,
  decompressTagged,
  type NodeBackend,
  NodeStore,
  zlibBase64,
} from "../src/index.js";

/** Issue #10 case 7: decompression stops at a bound, with a typed error, without allocating the output. */

const MiB = 1024 * 1024;
const BOMB = 700 * MiB;

/**
 * A zstd frame that inflates to `total` bytes of "a": RLE blocks of 128 KiB (4 bytes each), so 700 MiB is a
 * 22 kB frame, as in the issue. Built by hand so the test never holds the 700 MiB itself.
 */
function zstdBomb(total: number): Buffer {
  const header = Buffer.alloc(14);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0xc0; // Frame_Content_Size on 8 bytes, no checksum, not single-segment
  header[5] = 0x50; // Window_Descriptor: 1 MiB
  header.writeBigUInt64LE(BigInt(total), 6);
  const block = 128 * 1024;
  const count = total / block;
  const blocks = Buffer.alloc(count * 4);
  for (let i = 0; i < count; i++) {
    blocks.writeUIntLE(((i === count - 1 ? 1 : 0) | (1 << 1) | (block << 3)) >>> 0, i * 4, 3);
    blocks[i * 4 + 3] = 0x61;
  }
  return Buffer.concat([header, blocks]);
}

/**
 * A zlib stream that inflates to `chunks` MiB of zeros: one MiB deflated and sync-flushed (so it ends on a byte
 * and refers to nothing before it), repeated, then a final empty block and the Adler-32. 700 MiB is 715 kB.
 */
function zlibBomb(chunks: number): Buffer {
  const chunk = zlib.deflateRawSync(Buffer.alloc(MiB), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((chunks * MiB) % 65521) * 65536 + 1, 0); // a = 1, b = n: Adler-32 of n zeros
  return Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array(chunks).fill(chunk), Buffer.from([3, 0]), adler]);
}

function corrupt(fn: () => unknown): CorruptNodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptNodeError);
    return e as CorruptNodeError;
  }
  throw new Error("expected a CorruptNodeError");
}

describe("decompression bound", () => {
  it("is 64 MiB unless the caller gives one", () => {
    expect(DEFAULT_MAX_VALUE_BYTES).toBe(64 * MiB);
  });

  it("the hand-made bombs are valid streams (checked at a small size)", () => {
    const z = compression.zstd.decompress(zstdBomb(10 * 128 * 1024));
    expect(z.byteLength).toBe(10 * 128 * 1024);
    expect(z.every((b) => b === 0x61)).toBe(true);
    const l = compression.zlib.decompress(zlibBomb(3));
    expect(l.byteLength).toBe(3 * MiB);
    expect(l.every((b) => b === 0)).toBe(true);
  });

  it("refuses a 22 kB zstd frame that inflates to 700 MiB, at the default bound or the caller's", () => {
    const bomb = zstdBomb(BOMB);
    expect(bomb.byteLength).toBeLessThan(23_000);
    const byDefault = corrupt(() => compression.zstd.decompress(bomb));
    expect(byDefault.layer).toBe("zstd");
    expect(byDefault.retryable).toBe(false);
    expect(byDefault.message).toMatch(/decompresses past 67108864 bytes/);
    expect(corrupt(() => compression.zstd.decompress(bomb, MiB)).message).toMatch(/past 1048576 bytes/);
    expect(corrupt(() => decompressTagged(bomb, "zstd", MiB)).layer).toBe("zstd");
  });

  it("refuses a zlib stream that inflates to 700 MiB, also as a Django base64 row", () => {
    const bomb = zlibBomb(700);
    expect(bomb.byteLength).toBeLessThan(750_000);
    const byDefault = corrupt(() => compression.zlib.decompress(bomb));
    expect(byDefault.layer).toBe("zlib");
    expect(byDefault.message).toMatch(/decompresses past 67108864 bytes/);
    const row = compression.base64.encode(bomb); // the 951 kB row of the issue
    expect(corrupt(() => zlibBase64.decode(row, 10 * MiB)).message).toMatch(
      /zlib layer.*past 10485760 bytes/,
    );
    expect(corrupt(() => decompressTagged(bomb, "zlib", MiB)).message).toMatch(/past 1048576 bytes/);
  });

  it("accepts output of exactly the bound and refuses one byte more, across several zstd frames too", () => {
    const data = Buffer.from("0123456789".repeat(1000));
    const n = data.byteLength;
    for (const codec of [compression.zlib, compression.zstd]) {
      expect(Buffer.from(codec.decompress(codec.compress(data), n)).equals(data)).toBe(true);
      expect(corrupt(() => codec.decompress(codec.compress(data), n - 1)).message).toMatch(
        new RegExp(`past ${n - 1} bytes`),
      );
    }
    const two = Buffer.concat([compression.zstd.compress(data), compression.zstd.compress(data)]);
    expect(compression.zstd.decompress(two, 2 * n).byteLength).toBe(2 * n);
    expect(corrupt(() => compression.zstd.decompress(two, 2 * n - 1)).message).toMatch(/past/);
    expect(corrupt(() => compression.zstd.decompress(two, n)).message).toMatch(/past/);
  });

  it("refuses a bound that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => compression.zlib.decompress(compression.zlib.compress(Buffer.from("x")), bad)).toThrow(
        RangeError,
      );
    }
  });

  it("through a store: the bomb's id is named, and getMulti serves the other nodes", async () => {
    const stored = new Map<string, Uint8Array>([
      ["bomb", zstdBomb(BOMB)],
      ["ok", compression.zstd.compress(Buffer.from('{"ok":1}'))],
    ]);
    // What the s3 backend does: decode with its own maxValueBytes.
    const backend: NodeBackend = {
      name: "zstd-objects",
      maxValueBytes: 8 * MiB,
      async getBytes(id) {
        const bytes = stored.get(id);
        return bytes === undefined ? null : decompressTagged(bytes, "zstd", this.maxValueBytes);
      },
      async setBytes() {},
      async delete() {},
    };
    const store = new NodeStore(backend);
    const error = await store.get("bomb").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptNodeError);
    expect((error as CorruptNodeError).id).toBe("bomb");
    expect((error as Error).message).toMatch(
      /^Node "bomb" in backend "zstd-objects" is corrupt at the zstd layer/,
    );
    expect((error as Error).message).toMatch(/past 8388608 bytes/);
    const got = await store.getMulti(["bomb", "ok"]);
    expect(got.get("ok")).toEqual({ ok: 1 });
    expect(got.get("bomb")).toBeInstanceOf(CorruptNode);
    expect((got.get("bomb") as CorruptNode).error.id).toBe("bomb");
  });
});
