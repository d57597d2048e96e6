import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { BackendError, chunks, mapLimit } from "@nodestore/core";
import { type S3Context, sendTyped } from "./errors.js";

/** S3's limit of keys per DeleteObjects request. */
export const MAX_DELETE_KEYS = 1000;

export interface DeleteFailure {
  readonly key: string;
  readonly id: string | undefined;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/** DeleteObjects answered 200 but could not delete some keys. Lists them; NoSuchKey is never one of them. */
export class S3DeleteError extends BackendError {
  readonly failures: readonly DeleteFailure[];
  constructor(backend: string, bucket: string, failures: readonly DeleteFailure[], total: number) {
    const shown = failures
      .slice(0, 10)
      .map((f) => `${JSON.stringify(f.key)} (${f.code ?? "error"}: ${f.message ?? ""})`)
      .join(", ");
    const more = failures.length > 10 ? `, and ${failures.length - 10} more` : "";
    super(
      backend,
      "delete",
      `${failures.length} of ${total} objects in bucket "${bucket}" were not deleted: ${shown}${more}`,
    );
    this.failures = failures;
  }
}

/**
 * DeleteObjects in batches of 1000, at most 4 in flight (more only earns throttling). Keys that were already
 * absent count as deleted; any other per-key failure is collected and thrown once, every key named.
 */
export async function deleteKeys(
  ctx: S3Context,
  keys: readonly string[],
  idOf?: ReadonlyMap<string, string>,
): Promise<number> {
  const failures: DeleteFailure[] = [];
  await mapLimit(chunks(keys, MAX_DELETE_KEYS), Math.min(ctx.concurrency, 4), async (batch) => {
    const out = await sendTyped(ctx, "delete", { bucket: ctx.bucket }, () =>
      ctx.client.send(
        new DeleteObjectsCommand({
          Bucket: ctx.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      ),
    );
    for (const e of out.Errors ?? []) {
      if (e.Code === "NoSuchKey" || e.Key === undefined) continue;
      failures.push({ key: e.Key, id: idOf?.get(e.Key), code: e.Code, message: e.Message });
    }
  });
  if (failures.length > 0) throw new S3DeleteError(ctx.name, ctx.bucket, failures, keys.length);
  return keys.length;
}
