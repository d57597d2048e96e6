/**
 * The nodestore payload: Sentry's `_encode` / `_decode` (base.py), byte for byte.
 */
import { Buffer } from "node:buffer";
import { CorruptNodeError, InvalidDataError } from "../errors.js";
import {
  asBuffer,
  keyLineMatches,
  lineEnd,
  lineText,
  nextLineStart,
  RawSubkeyName,
  type SubkeyName,
  stripPy,
  subkeyNameProblem,
} from "./framing.js";
import { parseJson } from "./json/decode.js";
import { writeBytes, writeJson, writeLatin1 } from "./json/encode.js";

export type Subkeys = Array<[name: SubkeyName, value: unknown]>;

export interface ParsedNodeData {
  main: unknown;
  subkeys: Subkeys;
}

/**
 * Encode like Sentry's `_encode({None: main, **subkeys})`: `JSON(main)` then `\n name \n JSON(value)` per
 * subkey in the given order. Throws `InvalidDataError` for a bad subkey name or an unencodable value.
 */
export function encodeNodeData(
  main: unknown,
  subkeys?: ReadonlyArray<readonly [SubkeyName, unknown]>,
): Uint8Array {
  // Everything written is ASCII (or, for raw names, UTF-8 already spread into single bytes).
  return writeBytes(() => {
    writeJson(main, "main");
    if (subkeys === undefined || subkeys === null) return;
    if (!Array.isArray(subkeys))
      throw new InvalidDataError("subkeys must be an array of [name, value] pairs");
    const seen = subkeys.length > 1 ? new Set<string>() : undefined;
    for (let i = 0; i < subkeys.length; i++) {
      const entry = subkeys[i];
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new InvalidDataError(`subkeys[${i}] must be a [name, value] pair`);
      }
      const [name, value] = entry;
      const line = subkeyLine(name, i);
      if (seen) {
        // A repeated RawSubkeyName is a stored payload being copied (the lossless parser made it); a repeated
        // plain name is a mistake: readers would never find the second value.
        if (seen.has(line) && !(name instanceof RawSubkeyName)) {
          throw new InvalidDataError(`Subkey name ${JSON.stringify(line)} appears twice`);
        }
        seen.add(line);
      }
      writeLatin1(`\n${line}\n`);
      writeJson(value, `subkey ${JSON.stringify(line)}`);
    }
  });
}

/** The key line for a name, as a one-byte-per-char string. */
function subkeyLine(name: unknown, i: number): string {
  if (name instanceof RawSubkeyName) {
    const raw = name.raw;
    // Non-ASCII raw names were written as UTF-8 by older Sentry: spread the UTF-8 bytes one per char.
    return /[^\x00-\x7f]/.test(raw) ? Buffer.from(raw, "utf8").toString("latin1") : raw;
  }
  const problem = subkeyNameProblem(name);
  if (problem) {
    const shown = typeof name === "string" ? JSON.stringify(name) : `at index ${i}`;
    throw new InvalidDataError(`Subkey name ${shown} ${problem}`);
  }
  return name as string;
}

/**
 * Sentry's reader: the main value, or with `subkey` the value stored under that name; `null` for empty input,
 * a missing subkey, or a subkey with no line after it. Only the needed line is decoded.
 * Throws `CorruptNodeError` (layer "json") when that line is not valid JSON.
 */
export function decodeNodeData(bytes: Uint8Array, subkey?: string | null): unknown | null {
  const buf = asBuffer(bytes);
  const len = buf.length;
  if (subkey === undefined || subkey === null) {
    if (len === 0) return null;
    const end = lineEnd(buf, 0);
    return parseJson(lineText(buf, 0, end, "main"), false, "main");
  }
  if (typeof subkey !== "string" || /[^\x00-\x7f]/.test(subkey)) {
    // Sentry raises too: it calls subkey.encode("ascii").
    throw new InvalidDataError(`Subkey name ${JSON.stringify(subkey)} must be an ASCII string`);
  }
  if (len === 0) return null;
  let start = nextLineStart(buf, lineEnd(buf, 0)); // skip main
  while (start < len) {
    const keyEnd = lineEnd(buf, start);
    const valueStart = nextLineStart(buf, keyEnd);
    if (valueStart >= len) return null;
    const valueEnd = lineEnd(buf, valueStart);
    if (keyLineMatches(buf, start, keyEnd, subkey)) {
      const where = `subkey ${JSON.stringify(subkey)}`;
      return parseJson(lineText(buf, valueStart, valueEnd, where), false, where);
    }
    start = nextLineStart(buf, valueEnd);
  }
  return null;
}

/**
 * Parse a whole payload: the main value and every subkey in stored order.
 *
 * Default: values as `decodeNodeData` returns them; names stripped as readers match them; for a name stored
 * twice only the first is kept (the one Sentry's reader finds), and a trailing name without a value line is
 * dropped (Sentry reads it as absent). Empty input gives `{ main: null, subkeys: [] }`.
 *
 * `{ lossless: true }`: `encodeNodeData(r.main, r.subkeys)` gives back any payload Sentry's writer produced,
 * byte for byte. Integral float literals become `PyFloat`, names that a plain string cannot reproduce become
 * `RawSubkeyName`. A name stored twice keeps every entry in stored order, the repeats as `RawSubkeyName`
 * (readers, ours and Sentry's, find the first). Throws `CorruptNodeError` (layer "framing") where no encoding
 * could reproduce the bytes: a trailing name without a value. CR/CRLF line breaks are read but rewritten as LF.
 */
export function parseNodeData(bytes: Uint8Array, options?: { lossless?: boolean }): ParsedNodeData {
  const lossless = options?.lossless === true;
  const buf = asBuffer(bytes);
  const len = buf.length;
  if (len === 0) return { main: null, subkeys: [] };
  const mainEnd = lineEnd(buf, 0);
  const main = parseJson(lineText(buf, 0, mainEnd, "main"), lossless, "main");
  const subkeys: Subkeys = [];
  const seen = new Set<string>();
  let start = nextLineStart(buf, mainEnd);
  while (start < len) {
    const keyEnd = lineEnd(buf, start);
    const raw = lineText(buf, start, keyEnd, "a subkey name line", "framing");
    const valueStart = nextLineStart(buf, keyEnd);
    if (valueStart >= len) {
      if (lossless) {
        throw new CorruptNodeError("framing", `subkey ${JSON.stringify(raw)} has no value line after it`);
      }
      break;
    }
    const valueEnd = lineEnd(buf, valueStart);
    start = nextLineStart(buf, valueEnd);
    const seenKey = lossless ? raw : stripPy(raw);
    const repeated = seen.has(seenKey);
    if (repeated && !lossless) continue;
    seen.add(seenKey);
    const where = `subkey ${JSON.stringify(seenKey)}${repeated ? " (stored again)" : ""}`;
    const value = parseJson(lineText(buf, valueStart, valueEnd, where), lossless, where);
    const name: SubkeyName =
      !lossless || (!repeated && subkeyNameProblem(raw) === undefined) ? seenKey : new RawSubkeyName(raw);
    subkeys.push([name, value]);
  }
  return { main, subkeys };
}
