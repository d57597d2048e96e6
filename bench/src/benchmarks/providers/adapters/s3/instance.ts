import { NodeStore } from "@nodestore/core";
import type { ProviderInstance, SetupContext } from "../../types.js";
import { storageResult } from "../../util.js";
import { s3Baselines, startPythonPlugin } from "./baselines.js";
import type { BenchBucket, S3Modules } from "./bucket.js";
import type { ProxiedTarget, S3Target } from "./target.js";

export interface S3InstanceParts {
  readonly name: string;
  readonly mods: S3Modules;
  readonly target: S3Target;
  readonly bucket: BenchBucket;
  /** s3-rtt: the proxy in front of the server (removed by `dispose`). */
  readonly proxied: ProxiedTarget | undefined;
}

export async function s3Instance(ctx: SetupContext, parts: S3InstanceParts): Promise<ProviderInstance> {
  const { name, mods, target: t, bucket, proxied } = parts;
  const { backend, store, bucketName, bucketPath, prefix, ownBucket } = bucket;
  const serverHeader = bucket.serverHeader();
  const version = t.version ?? (serverHeader ? `${t.kind} (Server: ${serverHeader})` : t.kind);
  const where = proxied?.upstreamEndpoint ?? t.endpoint ?? `AWS S3${t.region ? ` ${t.region}` : ""}`;
  const description =
    `${t.source === "embedded" ? t.origin : `${version} at ${where} (from ${t.origin})`}, ` +
    `bucket ${bucketName}${ownBucket ? " (scratch)" : ""}, prefix ${prefix}, zstd, ${t.credentials ? "static keys" : "SDK credential chain"}${proxied?.via ?? ""}`;
  const plugin = await startPythonPlugin(ctx, bucket, t);
  const scratchPrefixes: string[] = [];
  const { deleteBatch } = ctx.options.settings;
  return {
    target: { kind: t.kind, version, source: t.source, endpoint: t.endpoint ?? null, description },
    store,
    backend,
    requests: bucket.requests,
    ...(plugin.missing === undefined ? {} : { notes: [`no Python plugin baseline: ${plugin.missing}`] }),
    // s3rver reads the whole directory for every object it deletes: when the bench owns the server, it throws
    // the data away at the end instead of deleting object by object.
    keepWrites: t.source === "embedded",
    async scratchStore(scratch) {
      scratchPrefixes.push(`${bucketPath}-${scratch}/`);
      return new NodeStore(
        new mods.mod.S3Backend({
          client: bucket.client,
          bucketName,
          bucketPath: `${bucketPath}-${scratch}`,
          listingCleanup: true,
        }),
      );
    },
    async measureStorage(ids, logicalBytes) {
      const objects = await bucket.list(prefix);
      return storageResult(
        ids.length,
        logicalBytes,
        objects.reduce((a, o) => a + o.size, 0),
        "sum of ListObjectsV2 Size under the prefix (object bodies; keys, headers and object metadata not counted)",
        { objects: objects.length },
      );
    },
    baselines: s3Baselines({ ctx, mods, bucket, target: t, python: plugin.python }),
    cleanupNote:
      "listing cleanup (listingCleanup: true, opt-in; the Python plugin has none: S3 retention is the bucket lifecycle rule)" +
      (t.kind === "s3rver"
        ? "; s3rver answers the DeleteObjects that empties a prefix with a 500 (a race in its directory clean-up), so the SDK's retry adds a request"
        : ""),
    checks: [
      {
        id: "issue-5-deleteMulti-requests",
        issue: 5,
        title: `${name} deleteMulti(${deleteBatch}) requests per call`,
        scenario: `deleteMulti-${deleteBatch}`,
        metric: "requestsPerOp",
        target: { of: "value", op: "<=", value: 2 },
        baselineDescription: "the Python plugin: one DeleteObject per id",
        baselineValue: null,
        note: `Python sends ${deleteBatch} DeleteObject requests for this call (not run)`,
      },
    ],
    async dispose() {
      try {
        // An embedded s3rver is thrown away whole (see keepWrites).
        if (t.source !== "embedded") {
          for (const p of [prefix, ...scratchPrefixes]) await bucket.removeAll(p);
          if (ownBucket) await bucket.client.send(new mods.sdk.DeleteBucketCommand({ Bucket: bucketName }));
        }
      } finally {
        await plugin.close();
        await store.close();
        await proxied?.proxy.remove();
      }
    },
  };
}
