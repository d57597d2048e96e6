import type { ScannedNode, ScanOptions } from "./backend.js";
import { InvalidArgumentError } from "./errors.js";

/**
 * The checks every `scan()` shares, so a bad option fails before any I/O with the same wording on every
 * backend. Returns the page size to use: the caller's, capped at the backend's own limit.
 */
export function scanPageSize(
  options: ScanOptions | undefined,
  backendLimit: number,
  backend: string,
): number {
  const pageSize = options?.pageSize;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1)) {
    throw new InvalidArgumentError(
      `${backend} scan: pageSize must be a positive integer, got ${String(pageSize)}`,
    );
  }
  for (const key of ["since", "until"] as const) {
    const value = options?.[key];
    if (value !== undefined && !(value instanceof Date && Number.isFinite(value.getTime()))) {
      throw new InvalidArgumentError(`${backend} scan: ${key} must be a valid Date, got ${String(value)}`);
    }
  }
  if (options?.after !== undefined && typeof options.after !== "string") {
    throw new InvalidArgumentError(`${backend} scan: after must be a cursor string from an earlier page`);
  }
  return Math.min(pageSize ?? backendLimit, backendLimit);
}

/** Whether `timestamp` lies in `[since, until)`; a node without a timestamp is kept only when neither is set. */
export function inScanWindow(timestamp: Date | undefined, options: ScanOptions | undefined): boolean {
  if (options?.since === undefined && options?.until === undefined) return true;
  if (timestamp === undefined) return false;
  const t = timestamp.getTime();
  if (options.since !== undefined && t < options.since.getTime()) return false;
  if (options.until !== undefined && t >= options.until.getTime()) return false;
  return true;
}

/** Every node of a scan, page after page: for callers that do not checkpoint. */
export async function* scanNodes(
  pages: AsyncIterable<{ readonly nodes: readonly ScannedNode[] }>,
): AsyncIterable<ScannedNode> {
  for await (const page of pages) yield* page.nodes;
}
