import * as zlib from "node:zlib";
import { CorruptNodeError } from "../../errors.js";
import { isOutputTooLarge, outputBound, tooLarge } from "./limits.js";
import type { CompressionCodec } from "./types.js";

/** zlib stream (RFC 1950, header 78 9c), level 6: what Python's `zlib.compress` writes and Sentry reads. */
export const zlibCodec: CompressionCodec = {
  name: "zlib",
  compress: (bytes) => zlib.deflateSync(bytes, { level: 6 }),
  decompress(bytes, maxBytes) {
    const bound = outputBound(maxBytes);
    try {
      return zlib.inflateSync(bytes, { maxOutputLength: bound });
    } catch (cause) {
      if (isOutputTooLarge(cause)) throw tooLarge("zlib", bound, cause);
      throw new CorruptNodeError("zlib", `not a zlib stream (${(cause as Error).message})`, { cause });
    }
  },
};
