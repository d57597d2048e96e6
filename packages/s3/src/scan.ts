import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  inScanWindow,
  type ScannedNode,
  type ScanOptions,
  type ScanPage,
  scanPageSize,
} from "@nodestore/core";
import { type S3Context, sendTyped } from "./errors.js";
import { type KeyLayout, keyProblem, keysFor } from "./keys.js";

/** ListObjectsV2's own maximum. */
export const SCAN_PAGE_LIMIT = 1_000;

/**
 * The id whose key (under this layout, either layout with the sharding fallback) is `key`, or undefined for
 * an object that is not a node of ours (another tool's file, a folder marker, a key of the other layout).
 */
export function idOfKey(layout: KeyLayout, key: string): string | undefined {
  const prefix = layout.bucketPath === null ? "" : `${layout.bucketPath}/`;
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const candidates = layout.sharding ? [unshard(rest), rest] : [rest];
  for (const id of candidates) {
    if (id !== undefined && keyProblem(layout, id) === undefined && keysFor(layout, id).includes(key))
      return id;
  }
  return undefined;
}

/** `ab/cdef/rest` → `abcdefrest` (the inverse of `shardedId`, counting code points as Python slices). */
function unshard(rest: string): string | undefined {
  const cp = Array.from(rest);
  if (cp[2] !== "/") return undefined;
  if (cp.length > 7 && cp[7] === "/") return [...cp.slice(0, 2), ...cp.slice(3, 7), ...cp.slice(8)].join("");
  return [...cp.slice(0, 2), ...cp.slice(3)].join("");
}

/**
 * ListObjectsV2 under the prefix, `MaxKeys` = the page size, `StartAfter` = the cursor (the last key listed, so
 * it resumes in any process; StartAfter also works where continuation tokens do not, e.g. s3rver). Each node
 * comes with LastModified and Size for free; S3 cannot filter by time, so `since`/`until` filter the listing
 * here (the whole prefix is still listed).
 */
export async function* scanBucket(
  ctx: S3Context,
  layout: KeyLayout,
  options?: ScanOptions,
): AsyncIterable<ScanPage> {
  const pageSize = scanPageSize(options, SCAN_PAGE_LIMIT, ctx.name);
  const prefix = layout.bucketPath === null ? undefined : `${layout.bucketPath}/`;
  let startAfter = options?.after;
  for (;;) {
    options?.signal?.throwIfAborted();
    const page = await sendTyped(
      ctx,
      "list",
      { bucket: ctx.bucket },
      (abortSignal) =>
        ctx.client.send(
          new ListObjectsV2Command({
            Bucket: ctx.bucket,
            ...(prefix === undefined ? {} : { Prefix: prefix }),
            MaxKeys: pageSize,
            ...(startAfter === undefined ? {} : { StartAfter: startAfter }),
          }),
          { abortSignal },
        ),
      options?.signal,
    );
    const contents = page.Contents ?? [];
    const nodes: ScannedNode[] = [];
    for (const object of contents) {
      if (object.Key === undefined) continue;
      const id = idOfKey(layout, object.Key);
      if (id === undefined || !inScanWindow(object.LastModified, options)) continue;
      nodes.push({ id, timestamp: object.LastModified, storedBytes: object.Size });
    }
    const last = contents.at(-1)?.Key;
    if (last === undefined) return;
    startAfter = last;
    yield { nodes, cursor: last };
    if (page.IsTruncated !== true) return;
  }
}
