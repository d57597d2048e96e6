import { CorruptNodeError } from "../../errors.js";
import { zlibCodec } from "./zlib.js";

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard alphabet, padded, no line breaks: the only form Python's `base64.b64decode` reads back intact. */
export const base64 = {
  encode: (bytes: Uint8Array): string =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
  decode(text: string): Uint8Array {
    // Fast path: node's decoder (simdutf) is lenient (it skips what is not base64 and takes the URL-safe
    // alphabet too), but whatever it decoded is what the text said when encoding it again gives the text back.
    // That holds for every canonical string, i.e. all that base64.encode and Python's b64encode write; the
    // rest (line breaks, non-zero padding bits, damage) takes the checks below. 15× faster than the regex
    // (README, "Codec speed: compression layers").
    const bytes = Buffer.from(text, "base64");
    if (bytes.toString("base64") === text) return bytes;
    // Python's decoder skips line breaks too; anything else outside the alphabet is corruption, not noise.
    const clean = /\s/.test(text) ? text.replace(/\s+/g, "") : text;
    if (clean.length % 4 !== 0 || !BASE64_RE.test(clean)) {
      throw new CorruptNodeError("base64", "not standard padded base64");
    }
    return Buffer.from(clean, "base64");
  },
};

/**
 * The string Sentry's Django backend keeps in `nodestore_node.data` (and the OpenSearch plugins in `data`):
 * base64(zlib(bytes)).
 */
export const zlibBase64 = {
  encode: (bytes: Uint8Array): string => base64.encode(zlibCodec.compress(bytes)),
  /**
   * @param maxBytes largest decompressed value accepted (default `DEFAULT_MAX_VALUE_BYTES`, 64 MiB); past it,
   *   a `CorruptNodeError` at the zlib layer ("decompresses past N bytes"). Backends pass their `maxValueBytes`.
   */
  decode: (text: string, maxBytes?: number): Uint8Array =>
    zlibCodec.decompress(base64.decode(text), maxBytes),
};
