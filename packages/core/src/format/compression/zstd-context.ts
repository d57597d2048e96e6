import * as zlib from "node:zlib";

/**
 * One zstd compression context and one decompression context, kept for the life of the process (of each
 * worker thread: module state is per isolate), as python-zstandard's `ZstdCompressor` / `ZstdDecompressor`
 * keep theirs.
 *
 * Why: node:zlib's one-shot `zstdCompressSync` / `zstdDecompressSync` build a whole Transform stream and a
 * fresh `ZSTD_CCtx` / `ZSTD_DCtx` per call, about 20 µs, which is as long as decompressing a 26 kB node (the
 * corpus mean) takes. The public API offers no synchronous way to reuse a context: a stream's `_processChunk`
 * closes its handle after one call, and `reset()` re-creates the context. So we keep the stream's native handle
 * and call its `writeSync` ourselves, the call node's own `zlibBufferSync` makes (`lib/zlib.js`,
 * `processChunkSync`), unchanged in that form since Node 10 and the same for zstd since Node 22.15:
 *
 *   handle.writeSync(flush, input, inOffset, inLength, output, outOffset, outLength)
 *   → writeState = [outputLeft, inputLeft]; failures are reported through `handle.onerror(message, errno)`.
 *
 * This is an internal of node:zlib, so it is guarded: the first use checks the shape of the handle and runs a
 * round trip against the public one-shot API (identical bytes out, identical bytes back); if anything differs,
 * or a later Node changes the internals, `zstdContexts()` returns undefined and the codec stays on the public
 * API. A context whose call failed is closed and replaced; the caller redoes that call on the public API, so
 * damaged input gets exactly the errors it always got.
 *
 * A zstd stream context starts a new frame by itself after the end of the previous one, so nothing is reset
 * between calls:
 * - compression: `ZSTD_e_end` with the whole input in one call makes `ZSTD_compressStream2` take the input size
 *   as the pledged size (so the header carries the content size, as with `pledgedSrcSize`). The level and
 *   checksum flag are sticky parameters of the context. The output buffer is one byte short of
 *   `ZSTD_compressBound`: with a full bound, zstd 1.5.7 compresses the whole input in one pass, which splits
 *   blocks differently from the block-by-block path the one-shot API takes (1386 instead of 1222 bytes on a
 *   300 kB sample); one byte short keeps it on that path, so the bytes are the one-shot API's, whatever the
 *   context compressed before (checked by the probe and the tests). Output that does not fit (incompressible
 *   input) makes the call fail over to the public API.
 * - decompression: a whole frame with its content size and an output buffer of exactly that size is zstd's
 *   single-pass path (`ZSTD_decompressStream` → `ZSTD_decompress_usingDDict`): no window buffer, the checksum
 *   verified, the context back at the start of a frame.
 */

type Handle = {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  close(): void;
  onerror: (message: string, errno: number) => void;
};

class Context {
  /** The stream object owns the handle: kept so that neither is collected while in use. */
  private readonly stream: zlib.ZstdCompress | zlib.ZstdDecompress;
  private readonly handle: Handle;
  /** [output left, input left] after the last call */
  readonly state: Uint32Array;
  private failed = false;

  constructor(compress: boolean) {
    const C = zlib.constants;
    this.stream = compress
      ? zlib.createZstdCompress({
          params: { [C.ZSTD_c_compressionLevel]: 3, [C.ZSTD_c_checksumFlag]: 1 },
        })
      : zlib.createZstdDecompress();
    const internals = this.stream as unknown as { _handle?: Handle; _writeState?: Uint32Array };
    const handle = internals._handle;
    const state = internals._writeState;
    if (
      !handle ||
      typeof handle.writeSync !== "function" ||
      typeof handle.close !== "function" ||
      !(state instanceof Uint32Array) ||
      state.length !== 2
    ) {
      throw new Error("node:zlib internals differ");
    }
    handle.onerror = () => {
      this.failed = true;
    };
    this.handle = handle;
    this.state = state;
  }

  /** Runs one `ZSTD_e_end` call into `output[0, outLength)`; false if zstd reported an error. */
  run(input: Uint8Array, output: Uint8Array, outLength: number): boolean {
    this.failed = false;
    this.handle.writeSync(zlib.constants.ZSTD_e_end, input, 0, input.byteLength, output, 0, outLength);
    return !this.failed;
  }

  close(): void {
    try {
      this.handle.close();
    } catch {
      // already closed: nothing to free
    }
  }
}

/** Largest input the reused contexts take (the handle's lengths are uint32); bigger ones use the public API. */
const MAX_INPUT = 1 << 30;
/** The compression output buffer is kept between calls up to this size, and allocated per call above it. */
const MAX_SCRATCH = 1 << 20;

/** `ZSTD_COMPRESSBOUND(n)` from zstd.h, less one byte (see above). */
function outputRoom(n: number): number {
  return n + Math.floor(n / 256) + (n < 131072 ? Math.floor((131072 - n) / 2048) : 0) - 1;
}

export interface ZstdContexts {
  /** Level 3, checksum, content size: the bytes `zstdCompressSync` gives; undefined when the caller must use it. */
  compress(bytes: Uint8Array): Buffer | undefined;
  /**
   * One whole frame (headers already walked) that declares `size` content bytes: that content, or undefined when
   * the decoder refused it (the caller redoes it on the public API, for its error).
   */
  decompressFrame(frame: Uint8Array, size: number): Buffer | undefined;
}

class Reused implements ZstdContexts {
  private c: Context | undefined;
  private d: Context | undefined;
  private scratch = Buffer.allocUnsafe(0);

  compress(bytes: Uint8Array): Buffer | undefined {
    const n = bytes.byteLength;
    if (n > MAX_INPUT) return undefined;
    const cap = outputRoom(n);
    let out = this.scratch;
    if (out.byteLength < cap) {
      out = Buffer.allocUnsafe(cap);
      if (cap <= MAX_SCRATCH) this.scratch = out;
    }
    this.c ??= new Context(true);
    const ok = this.c.run(bytes, out, cap);
    const state = this.c.state;
    // Done only when all the input was taken and output room is left (ZSTD_e_end stops early only when full).
    if (!ok || state[1] !== 0 || state[0] === 0) {
      this.c.close();
      this.c = undefined;
      return undefined;
    }
    const length = cap - state[0]!;
    const result = Buffer.allocUnsafe(length);
    out.copy(result, 0, 0, length);
    return result;
  }

  decompressFrame(frame: Uint8Array, size: number): Buffer | undefined {
    if (frame.byteLength > MAX_INPUT) return undefined;
    const out = Buffer.allocUnsafe(size);
    this.d ??= new Context(false);
    const ok = this.d.run(frame, out, size);
    const state = this.d.state;
    if (!ok || state[0] !== 0 || state[1] !== 0) {
      this.d.close();
      this.d = undefined;
      return undefined;
    }
    return out;
  }
}

let contexts: ZstdContexts | null | undefined;

/** The reused contexts, or undefined where this Node's internals do not pass the checks (see above). */
export function zstdContexts(): ZstdContexts | undefined {
  if (contexts === undefined) contexts = probe();
  return contexts ?? undefined;
}

function probe(): ZstdContexts | null {
  const z = zlib as Partial<typeof zlib>;
  if (typeof z.zstdCompressSync !== "function" || typeof z.createZstdCompress !== "function") return null;
  try {
    const reused = new Reused();
    const C = zlib.constants;
    // Empty, one block, several blocks, after smaller ones and before: the contexts' reuse is checked too.
    const samples = [0, 1000, 300_000, 70_000].map((n) =>
      Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 9)) % 251)),
    );
    for (let round = 0; round < 2; round++) {
      for (const sample of samples) {
        const expected = zlib.zstdCompressSync(sample, {
          params: { [C.ZSTD_c_compressionLevel]: 3, [C.ZSTD_c_checksumFlag]: 1 },
          pledgedSrcSize: sample.byteLength,
        });
        const frame = reused.compress(sample);
        if (!frame?.equals(expected)) return null;
        const back = reused.decompressFrame(frame, sample.byteLength);
        if (!back?.equals(sample)) return null;
      }
    }
    return reused;
  } catch {
    return null;
  }
}

/** For tests: forget the probe's verdict, or force the public API (`false`). */
export function resetZstdContexts(use?: false): void {
  contexts = use === false ? null : undefined;
}
