import { constants } from "node:buffer";
import { type CorruptLayer, CorruptNodeError } from "../../errors.js";

/**
 * Largest decompressed value a decoder returns when its caller gives no bound: 64 MiB.
 *
 * Decompression must stop somewhere: a 22 kB zstd frame or a 700 kB zlib stream can inflate to 700 MB (and
 * past V8's ~512 MiB string limit), so an unbounded decoder turns one damaged or hostile node into an
 * out-of-memory crash or an untyped `ERR_STRING_TOO_LONG` with no id. Sentry's nodes are a few MiB at most
 * (Relay's default `max_event_size` is 1 MiB; Sentry's Bigtable backend asserts 10 MiB per compressed value),
 * so 64 MiB leaves ample headroom while keeping one node's decoding (bytes, string, parsed object: about 4×
 * its size) within a few hundred MB. Backends pass their own `maxValueBytes` instead (Postgres `text` could
 * hold up to 1 GB; a backend that accepts bigger values must read them back, so it passes the same limit).
 */
export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;

/** The bound to enforce: the caller's, else the default; never above what a Buffer can hold. */
export function outputBound(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return DEFAULT_MAX_VALUE_BYTES;
  if (
    !(typeof maxBytes === "number" && maxBytes >= 1 && (Number.isInteger(maxBytes) || maxBytes === Infinity))
  ) {
    throw new RangeError(`maxBytes must be a positive integer, got ${String(maxBytes)}`);
  }
  return Math.min(maxBytes, constants.MAX_LENGTH);
}

/** node:zlib's `maxOutputLength` refusal (`ERR_BUFFER_TOO_LARGE`), which it raises as soon as output passes it. */
export function isOutputTooLarge(error: unknown): boolean {
  return error instanceof RangeError && (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
}

export function tooLarge(layer: CorruptLayer, bound: number, cause?: unknown): CorruptNodeError {
  return new CorruptNodeError(
    layer,
    `decompresses past ${bound} bytes, the largest value this reader accepts (a decompression bomb, or a ` +
      "value bigger than the backend's maxValueBytes)",
    { cause },
  );
}
