import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import {
  InvalidArgumentError,
  inScanWindow,
  type ScannedNode,
  type ScanOptions,
  type ScanPage,
  scanPageSize,
} from "@nodestore/core";
import { type S3Context, toTypedError } from "./errors.js";
import { idForKey, type KeyLayout } from "./keys.js";

/** S3's largest ListObjectsV2 page. */
export const MAX_LIST_KEYS = 1000;

export interface S3ScanOptions extends ScanOptions {
  /**
   * Called for each listed key under the prefix that is not a node key of this layout (another tool's file,
   * the other sharding layout's key, an id this layout cannot store), with the reason. Such keys are skipped.
   */
  readonly onSkippedKey?: (key: string, reason: string) => void;
}

/**
 * `scan()`: ListObjectsV2 over the prefix, one request per page (MaxKeys = the page size), resumed with
 * StartAfter = the last key listed, which is also the cursor. Each key is mapped back to its id (`idForKey`);
 * timestamp = LastModified and storedBytes = Size come with the listing. since/until filter client-side: S3
 * cannot filter a listing by date, so a window still lists every key.
 */
export async function* listingScan(
  ctx: S3Context,
  layout: KeyLayout,
  options: S3ScanOptions | undefined,
): AsyncGenerator<ScanPage> {
  const pageSize = scanPageSize(options, MAX_LIST_KEYS, ctx.name);
  const prefix = layout.bucketPath === null ? undefined : `${layout.bucketPath}/`;
  let after = options?.after;
  if (after !== undefined && prefix !== undefined && !after.startsWith(prefix)) {
    throw new InvalidArgumentError(
      `${ctx.name} scan: cursor ${JSON.stringify(after.slice(0, 80))} is not a key under "${prefix}" (a cursor of another store?)`,
    );
  }
  const signal = options?.signal;
  for (;;) {
    signal?.throwIfAborted();
    let page: ListObjectsV2CommandOutput;
    try {
      page = await ctx.client.send(
        new ListObjectsV2Command({
          Bucket: ctx.bucket,
          ...(prefix === undefined ? {} : { Prefix: prefix }),
          MaxKeys: pageSize,
          // StartAfter, not ContinuationToken: a key is a cursor that outlives the process (tokens may expire and
          // s3rver's need DES); without a delimiter, in an unversioned bucket, both list the same keys.
          ...(after === undefined ? {} : { StartAfter: after }),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toTypedError(ctx.name, "list", error, {
        bucket: ctx.bucket,
        ...(prefix === undefined ? {} : { key: prefix }),
      });
    }
    const contents = page.Contents ?? [];
    const last = contents.at(-1)?.Key;
    if (last === undefined) return;
    const nodes: ScannedNode[] = [];
    for (const object of contents) {
      if (object.Key === undefined) continue;
      const match = idForKey(layout, object.Key);
      if ("reason" in match) {
        options?.onSkippedKey?.(object.Key, match.reason);
        continue;
      }
      const timestamp = object.LastModified;
      if (!inScanWindow(timestamp, options)) continue;
      nodes.push({
        id: match.id,
        ...(timestamp === undefined ? {} : { timestamp }),
        ...(object.Size === undefined ? {} : { storedBytes: object.Size }),
      });
    }
    yield { nodes, cursor: last };
    if (page.IsTruncated !== true) return;
    after = last;
  }
}
