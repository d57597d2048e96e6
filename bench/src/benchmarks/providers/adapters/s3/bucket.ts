/**
 * The bench's bucket (or prefix) on the target: @nodestore/s3's backend in self-hosted Sentry's layout (prefix
 * `nodestore/`, zstd), with a request counter, and the listing the storage measurement and the clean-up need.
 */
import { NodeStore } from "@nodestore/core";
import type { S3Backend } from "@nodestore/s3";
import type { S3Target } from "./target.js";

export interface S3Modules {
  mod: typeof import("@nodestore/s3");
  sdk: typeof import("@aws-sdk/client-s3");
}

export interface BenchBucket {
  readonly backend: S3Backend;
  readonly client: S3Backend["client"];
  readonly store: NodeStore;
  readonly bucketName: string;
  readonly bucketPath: string;
  /** `${bucketPath}/`: everything the store writes. */
  readonly prefix: string;
  /** The bench created the bucket (and removes it); false: the user's bucket, only a prefix is the bench's. */
  readonly ownBucket: boolean;
  /** Requests sent so far: an SDK middleware counts every HTTP attempt. */
  requests(): number;
  /** The `Server` header of the first answer, if any: what the endpoint is. */
  serverHeader(): string | undefined;
  list(prefix: string): Promise<Array<{ key: string; size: number }>>;
  removeAll(prefix: string): Promise<void>;
}

/**
 * Creates the scratch bucket (or checks the user's) and reads once, so access is checked and the Server header
 * known before anything is timed. On failure, removes what it created and throws.
 */
export async function openBucket({ mod, sdk }: S3Modules, t: S3Target, tag: string): Promise<BenchBucket> {
  const ownBucket = t.bucket === undefined;
  const bucketName = t.bucket ?? `nsbench-${tag}`;
  const bucketPath = ownBucket ? "nodestore" : `nodestore-bench-${tag}`;
  const backend = new mod.S3Backend({
    bucketName,
    bucketPath,
    ...(t.endpoint === undefined ? {} : { endpoint: t.endpoint }),
    ...(t.region === undefined ? {} : { region: t.region }),
    ...(t.credentials === undefined ? {} : { credentials: t.credentials }),
    createBucket: ownBucket,
    listingCleanup: true,
    // One retry: a benchmark should see a failing server, not hide it behind the SDK's backoff.
    retryAttempts: 1,
  });
  const client = backend.client;
  let requests = 0;
  let serverHeader: string | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      requests++;
      try {
        const out = await next(args);
        serverHeader ??= headerOf((out as { response?: unknown }).response, "server");
        return out;
      } catch (error) {
        serverHeader ??= headerOf((error as { $response?: unknown }).$response, "server");
        throw error;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "nodestoreBenchRequestCounter" },
  );
  const store = new NodeStore(backend);
  let bucketCreated = false;
  try {
    await store.bootstrap();
    bucketCreated = ownBucket;
    if (!ownBucket) await client.send(new sdk.HeadBucketCommand({ Bucket: bucketName }));
    await backend.getBytes("0000000000000000000000000000000f");
  } catch (error) {
    if (bucketCreated) await client.send(new sdk.DeleteBucketCommand({ Bucket: bucketName })).catch(() => {});
    backend.client.destroy();
    throw error;
  }
  const list = (prefix: string) => listObjects(sdk, client, bucketName, prefix);
  return {
    backend,
    client,
    store,
    bucketName,
    bucketPath,
    prefix: `${bucketPath}/`,
    ownBucket,
    requests: () => requests,
    serverHeader: () => serverHeader,
    list,
    async removeAll(prefix) {
      for (;;) {
        const keys = (await list(prefix)).map((o) => o.key);
        if (keys.length === 0) return;
        for (let i = 0; i < keys.length; i += 1000) {
          await client.send(
            new sdk.DeleteObjectsCommand({
              Bucket: bucketName,
              Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
            }),
          );
        }
      }
    },
  };
}

async function listObjects(
  sdk: S3Modules["sdk"],
  client: S3Backend["client"],
  bucket: string,
  prefix: string,
): Promise<Array<{ key: string; size: number }>> {
  const out: Array<{ key: string; size: number }> = [];
  let after: string | undefined;
  for (;;) {
    const page = await client.send(
      new sdk.ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: 1000,
        ...(after === undefined ? {} : { StartAfter: after }),
      }),
    );
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
    const last = page.Contents?.at(-1)?.Key;
    if (!page.IsTruncated || last === undefined) return out;
    after = last;
  }
}

function headerOf(response: unknown, name: string): string | undefined {
  const headers = (response as { headers?: Record<string, string> } | undefined)?.headers;
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
