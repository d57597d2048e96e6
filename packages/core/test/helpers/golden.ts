import { readFileSync } from "node:fs";

/**
 * The golden vectors, copied from the project's shared research (produced by Python: simplejson configured as
 * Sentry's nodestore encoder, stdlib zlib level 6 + base64, python-zstandard level 3 with content size).
 */
export interface GoldenRow {
  name: string;
  kind: "encode" | "decode";
  main?: unknown;
  subkeys?: Array<[string, unknown]>;
  subkey?: string | null;
  expected?: unknown;
  roundtrip?: boolean;
  encoded: string;
  zlib_b64: string;
  django_data: string;
  zstd_b64: string;
}

export const goldenRows: GoldenRow[] = readFileSync(
  new URL("../fixtures/codec.jsonl", import.meta.url),
  "utf8",
)
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as GoldenRow);

/** `encoded` is pure ASCII shown as a string. */
export const bytesOf = (row: GoldenRow): Uint8Array => Buffer.from(row.encoded, "latin1");
