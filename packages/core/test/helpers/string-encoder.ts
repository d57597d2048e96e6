/**
 * The string-building JSON writer that `src/format/json/encode.ts` replaced (issue #12), kept verbatim as the
 * exact reference: the byte writer, with its key cache, UTF-16 sort and native string copies, must give the
 * same bytes on every value.
 */
import { formatPythonFloat } from "../../src/format/json/float-repr.js";
import { sortKeysPython } from "../../src/format/json/key-order.js";
import { PyFloat } from "../../src/format/json/pyfloat.js";

/** Deeper than this is refused. */
const MAX_DEPTH = 1000;

/** Chars that can be written between quotes as they are: printable ASCII except `"` and `\`. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/** Escape for each ASCII char: "" when it is written as is. */
const ASCII_ESCAPES: string[] = [];
for (let c = 0; c < 0x80; c++) {
  ASCII_ESCAPES.push(c >= 0x20 && c < 0x7f ? "" : `\\u${c.toString(16).padStart(4, "0")}`);
}
ASCII_ESCAPES[0x22] = '\\"';
ASCII_ESCAPES[0x5c] = "\\\\";
ASCII_ESCAPES[0x08] = "\\b";
ASCII_ESCAPES[0x0c] = "\\f";
ASCII_ESCAPES[0x0a] = "\\n";
ASCII_ESCAPES[0x0d] = "\\r";
ASCII_ESCAPES[0x09] = "\\t";
/** Lowercase two-digit hex for 0..255, to build `\uXXXX` without toString/padStart per char. */
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

class Unencodable extends Error {}
const UNENCODABLE = new Unencodable("unencodable");

let out = "";

/** Encode one value; `where` names it in error messages (`main`, `subkey "unprocessed"`). */
export function stringEncodeJson(value: unknown): string {
  // Saved and restored so a getter that itself encodes cannot clobber this call's buffer.
  const saved = out;
  out = "";
  try {
    writeValue(value, 0);
    return out;
  } finally {
    out = saved;
  }
}

function quoteString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  // Copy runs of plain chars by slice; escape the rest as simplejson does (UTF-16 units, so an astral char
  // becomes its surrogate pair and a lone surrogate is written as is).
  let r = '"';
  let last = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let esc: string;
    if (c < 0x80) {
      esc = ASCII_ESCAPES[c]!;
      if (esc === "") continue;
    } else {
      esc = `\\u${HEX2[c >> 8]}${HEX2[c & 0xff]}`;
    }
    r += last === i ? esc : s.slice(last, i) + esc;
    last = i + 1;
  }
  return last === n ? `${r}"` : `${r}${s.slice(last)}"`;
}

/** A JS number: integral ones are Python ints (-0 excepted), the others Python floats. */
function formatNumber(n: number): string {
  if (Number.isInteger(n)) {
    if (n === 0) return Object.is(n, -0) ? "-0.0" : "0";
    // Beyond 2^53 String() gives the shortest round-trip digits ("72296031948879620") or exponent notation;
    // Python writes the exact integer value of the double ("72296031948879616").
    return n <= Number.MAX_SAFE_INTEGER && n >= Number.MIN_SAFE_INTEGER ? String(n) : BigInt(n).toString();
  }
  return formatPythonFloat(n);
}

function writeValue(v: unknown, depth: number): void {
  switch (typeof v) {
    case "string":
      out += quoteString(v);
      return;
    case "number":
      out += formatNumber(v);
      return;
    case "boolean":
      out += v ? "true" : "false";
      return;
    case "bigint":
      out += v.toString();
      return;
    case "object": {
      if (v === null) {
        out += "null";
        return;
      }
      if (depth >= MAX_DEPTH) throw UNENCODABLE;
      if (Array.isArray(v)) {
        writeArray(v, depth + 1);
        return;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        writeObject(v as Record<string, unknown>, depth + 1);
        return;
      }
      if (v instanceof PyFloat) {
        out += formatPythonFloat(v.value);
        return;
      }
      throw UNENCODABLE;
    }
    default:
      throw UNENCODABLE;
  }
}

function writeArray(a: unknown[], depth: number): void {
  const n = a.length;
  if (n === 0) {
    out += "[]";
    return;
  }
  out += "[";
  writeValue(a[0], depth);
  for (let i = 1; i < n; i++) {
    out += ",";
    writeValue(a[i], depth);
  }
  out += "]";
}

function writeObject(o: Record<string, unknown>, depth: number): void {
  const keys = sortKeysPython(Object.keys(o));
  const n = keys.length;
  if (n === 0) {
    out += "{}";
    return;
  }
  let sep = "{";
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    out += `${sep}${quoteString(k)}:`;
    writeValue(o[k], depth);
    sep = ",";
  }
  out += "}";
}
