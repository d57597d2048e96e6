import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { type CleanupOptions, type CleanupProgress, type CleanupResult, chunks } from "@nodestore/core";
import { deleteKeys, MAX_DELETE_KEYS } from "./delete.js";
import { type S3Context, sendTyped } from "./errors.js";

export interface S3CleanupOptions extends Omit<CleanupOptions, "onProgress"> {
  /** Resume a stopped run after this key (the `lastKey` of its last progress report). */
  readonly startAfter?: string;
  readonly onProgress?: (progress: S3CleanupProgress) => void;
}

export interface S3CleanupProgress extends CleanupProgress {
  /** Objects listed so far. */
  readonly scanned: number;
  /** Last key listed: pass it as `startAfter` to resume. */
  readonly lastKey: string | undefined;
}

export interface S3CleanupResult extends CleanupResult {
  readonly scanned: number;
}

/**
 * The opt-in `listingCleanup`: list `prefix` page by page and delete the objects last written before
 * `cutoff`. Memory stays one page; progress carries the last key so a stopped run resumes where it was.
 */
export async function listingCleanup(
  ctx: S3Context,
  prefix: string | undefined,
  pageSize: number,
  cutoff: Date,
  options: S3CleanupOptions = {},
): Promise<S3CleanupResult> {
  const signal = options.signal;
  let deleted = 0;
  let batches = 0;
  let scanned = 0;
  let lastKey = options.startAfter;
  let more: boolean;
  do {
    signal?.throwIfAborted();
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
            // StartAfter rather than ContinuationToken: the same listing for an unversioned bucket without a
            // delimiter, resumable from a key, and it works where tokens do not (s3rver's need DES).
            ...(lastKey === undefined ? {} : { StartAfter: lastKey }),
          }),
          { abortSignal },
        ),
      signal,
    );
    const contents = page.Contents ?? [];
    scanned += contents.length;
    const old = contents
      .filter((o) => o.Key !== undefined && o.LastModified !== undefined && o.LastModified < cutoff)
      .map((o) => o.Key!);
    for (const batch of chunks(old, MAX_DELETE_KEYS)) {
      signal?.throwIfAborted();
      deleted += await deleteKeys(ctx, batch);
      batches++;
    }
    const last = contents.at(-1)?.Key;
    if (last !== undefined) lastKey = last;
    more = page.IsTruncated === true && last !== undefined;
    options.onProgress?.({ deleted, batches, scanned, lastKey });
  } while (more);
  return { deleted, batches, scanned };
}
