import { CorruptNodeError, compression, decompressTagged, PayloadTooLargeError } from "@nodestore/core";
import { type CompressionName, LIMITS } from "./options.js";
import { int64, type SdkAttribute, type SdkCellValue, type SdkInt64, type SdkRow } from "./sdk.js";

/**
 * The sentry-tablestore row: primary key `[("id", STRING)]`; attribute `data` (the node's bytes, compressed or
 * not); attribute `flags` (INTEGER: 1 zlib, 2 zstd), present only when non-zero.
 */
export const FLAGS = { zlib: 1, zstd: 2 } as const;

export interface WriteRow {
  readonly primaryKey: [{ id: string }];
  readonly attributeColumns: Array<{ data: Buffer } | { flags: SdkInt64 }>;
  /** Data size as Tablestore's write limits count it (key, column names, values). */
  readonly size: number;
}

/**
 * The row for `bytes`: compressed when the store is configured so (always, as the plugin does, so the plugin can
 * read it back: it cannot read a row without `flags` when it compresses), `data` always BINARY. A stored value
 * over Tablestore's 2 MiB cell limit is refused here, before any request.
 */
export function encodeRow(backend: string, id: string, bytes: Uint8Array, codec: CompressionName): WriteRow {
  const stored = codec === undefined ? bytes : compression[codec].compress(bytes);
  if (stored.byteLength > LIMITS.cellBytes) {
    throw new PayloadTooLargeError(id, stored.byteLength, LIMITS.cellBytes, backend);
  }
  const data = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const attributeColumns: WriteRow["attributeColumns"] = [{ data }];
  let size = Buffer.byteLength(id) + 2 + 4 + data.length;
  if (codec !== undefined) {
    attributeColumns.push({ flags: int64(FLAGS[codec]) });
    size += 5 + 8;
  }
  return { primaryKey: [{ id }], attributeColumns, size };
}

function asNumber(value: SdkCellValue | null): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "object" && "toNumber" in value) return value.toNumber();
  return Number.NaN;
}

function asBytes(value: SdkCellValue | null): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  // A STRING `data`: what the plugin writes without compression (Python `bytes` go out as STRING).
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return undefined;
}

export interface ReadOptions {
  readonly backend: string;
  /** Seconds: a `data` cell older than this reads as absent (the plugin's read-side expiry). */
  readonly defaultTtl: number | undefined;
  readonly maxValueBytes: number;
  readonly now: number;
}

/**
 * A row read back: the decompressed bytes, or null when there is no row, no `data` column, or (with
 * `defaultTtl`) the `data` cell is older than the TTL. Accepts `data` BINARY or STRING and a missing `flags`
 * (raw). Damaged compressed bytes or unknown flags are a `CorruptNodeError` naming the id.
 */
export function decodeRow(
  id: string,
  row: SdkRow | null | undefined,
  options: ReadOptions,
): Uint8Array | null {
  const attributes: readonly SdkAttribute[] = row?.attributes ?? [];
  const data = attributes.find((a) => a.columnName === "data");
  if (data === undefined) return null;
  if (options.defaultTtl !== undefined && data.timestamp !== null) {
    if (data.timestamp.toNumber() + options.defaultTtl * 1000 < options.now) return null;
  }
  const bytes = asBytes(data.columnValue);
  if (bytes === undefined) {
    throw new CorruptNodeError("framing", `the data column is not BINARY or STRING`, {
      id,
      backend: options.backend,
    });
  }
  const flagsCell = attributes.find((a) => a.columnName === "flags");
  const flags = flagsCell === undefined ? 0 : asNumber(flagsCell.columnValue);
  // The plugin: "compression flags are assumed to be mutually exclusive", zlib tried first.
  let codec: CompressionName;
  if (flags === 0) codec = undefined;
  else if (flags !== undefined && Number.isInteger(flags) && flags > 0 && flags <= 3)
    codec = flags & FLAGS.zlib ? "zlib" : "zstd";
  else {
    throw new CorruptNodeError("framing", `unknown flags ${String(flags)} (1: zlib, 2: zstd)`, {
      id,
      backend: options.backend,
    });
  }
  try {
    return decompressTagged(bytes, codec, options.maxValueBytes);
  } catch (error) {
    if (error instanceof CorruptNodeError) throw error.withContext(id, options.backend);
    throw error;
  }
}
