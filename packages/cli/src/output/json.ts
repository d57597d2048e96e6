import { formatPythonFloat, PyFloat, RawSubkeyName } from "@nodestore/core";

/**
 * JSON text of a value the lossless parser produced: `bigint` as its digits, `PyFloat` as Python writes it
 * (`1.0`), so what `get` prints is what is stored, number for number.
 */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, replacer, indent);
}

type RawJson = (text: string) => unknown;
const rawJSON = (JSON as unknown as { rawJSON: RawJson }).rawJSON;

function replacer(this: unknown, key: string, value: unknown): unknown {
  // `toJSON` has already run: read the holder's own value for PyFloat.
  const original = (this as Record<string, unknown>)[key];
  if (typeof original === "bigint") return rawJSON(original.toString());
  if (original instanceof PyFloat) {
    return Number.isFinite(original.value) ? rawJSON(formatPythonFloat(original.value)) : null;
  }
  if (original instanceof RawSubkeyName) return original.raw;
  return value;
}

/**
 * `JSON.parse` that loses nothing Sentry's encoder distinguishes: integers beyond 2^53 become `bigint`, integral
 * float literals (`1.0`, `1e16`) become `PyFloat`, so `put` stores the numbers as written.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, function reviver(this: unknown, _key, value, context?: { source?: string }) {
    if (typeof value !== "number" || context?.source === undefined) return value;
    const source = context.source;
    if (/^-?\d+$/.test(source)) return Number.isSafeInteger(value) ? value : BigInt(source);
    if (Number.isInteger(value)) return new PyFloat(value);
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}
