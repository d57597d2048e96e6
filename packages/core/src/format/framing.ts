/**
 * Sentry's line framing: `MAIN_JSON` then (`\n` `SUBKEY_NAME` `\n` `SUBKEY_JSON`)*. Readers split lines like
 * Python's `bytes.splitlines()` (LF, CRLF or CR) and compare key lines after `bytes.strip()`.
 */
import { Buffer, isAscii } from "node:buffer";
import { CorruptNodeError, InvalidDataError } from "../errors.js";

const LF = 0x0a;
const CR = 0x0d;

/**
 * A subkey name exactly as found on its line, for names Sentry's writer can emit but a canonical name may not
 * be: surrounding whitespace (readers strip it, so `name` is what `get(id, subkey)` matches), non-ASCII
 * (older Sentry wrote names as UTF-8), or a name already stored earlier in the same payload (readers find only
 * the first). Only the lossless parser creates these; `encodeNodeData` writes `raw` verbatim (a repeated name
 * included), so a payload can be copied byte for byte. New data should use plain string names.
 */
export class RawSubkeyName {
  readonly raw: string;
  constructor(raw: string) {
    if (/[\n\r]/.test(raw))
      throw new InvalidDataError(`Subkey name ${JSON.stringify(raw)} contains a line break`);
    this.raw = raw;
    Object.freeze(this);
  }
  /** The name readers match: `raw` with ASCII whitespace stripped, as Python's `bytes.strip()` does. */
  get name(): string {
    return stripPy(this.raw);
  }
  toString(): string {
    return this.raw;
  }
}

export type SubkeyName = string | RawSubkeyName;

/** Python's `bytes.strip()` whitespace: space, \t, \n, \r, \v, \f. */
function isPyWs(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export function stripPy(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPyWs(s.charCodeAt(a))) a++;
  while (b > a && isPyWs(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * Why a plain subkey name cannot be written, or undefined if it can. Names must read back through Sentry's
 * reader: ASCII (it calls `subkey.encode("ascii")`), no line break, no surrounding whitespace. The empty name
 * is fine: Sentry's writer gives `{main}\n\n{value}` for it and its reader finds it (an empty key line).
 */
export function subkeyNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return `must be a string, got ${name === null ? "null" : typeof name}`;
  if (/[\n\r]/.test(name)) return "must not contain a line break (it would split the framing)";
  if (/[^\x00-\x7f]/.test(name)) return "must be ASCII (Sentry encodes subkey names as ASCII)";
  if (stripPy(name) !== name)
    return "must not start or end with whitespace (Sentry's reader strips key lines)";
  return undefined;
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** End of the line starting at `start` (index of its LF/CR, or the length). */
export function lineEnd(buf: Buffer, start: number): number {
  const lf = buf.indexOf(LF, start);
  const limit = lf < 0 ? buf.length : lf;
  // Search for CR only before the LF, so a CR-free payload is not scanned to its end twice.
  const cr = limit > start ? buf.subarray(start, limit).indexOf(CR) : -1;
  return cr < 0 ? limit : start + cr;
}

/** Start of the next line after a line ending at `end` (CRLF counts as one break). */
export function nextLineStart(buf: Buffer, end: number): number {
  if (end >= buf.length) return buf.length;
  return buf[end] === CR && buf[end + 1] === LF ? end + 2 : end + 1;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Text of bytes [start, end): latin1 (fastest) when ASCII, else strict UTF-8 as Python's `bytes.decode()`. */
export function lineText(
  buf: Buffer,
  start: number,
  end: number,
  where: string,
  layer: "json" | "framing" = "json",
): string {
  const sub = buf.subarray(start, end);
  if (isAscii(sub)) return buf.toString("latin1", start, end);
  try {
    return utf8.decode(sub);
  } catch (e) {
    throw new CorruptNodeError(layer, `${where} is not valid UTF-8`, { cause: e });
  }
}

/** Whether bytes [start, end), stripped like `bytes.strip()`, equal the ASCII string `key`. */
export function keyLineMatches(buf: Buffer, start: number, end: number, key: string): boolean {
  while (start < end && isPyWs(buf[start]!)) start++;
  while (end > start && isPyWs(buf[end - 1]!)) end--;
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key.charCodeAt(i)) return false;
  return true;
}
