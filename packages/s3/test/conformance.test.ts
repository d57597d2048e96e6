import { runConformanceSuite } from "@nodestore/conformance";
import { NodeStore } from "@nodestore/core";
import { it } from "vitest";
import type { S3BackendOptions } from "../src/index.js";
import { backendFor, clientOptions, s3Targets, scratchBucket } from "./helpers.js";

const variants: Array<{ label: string; options: Partial<S3BackendOptions> }> = [
  { label: 'prefix "nodestore", zstd', options: {} },
  {
    label: "no prefix, sharding with fallback, no compression, listing cleanup",
    options: {
      bucketPath: null,
      objectSharding: true,
      objectShardingFallback: true,
      compression: false,
      listingCleanup: true,
    },
  },
];

const targets = s3Targets();
if (targets.length === 0) it.skip("no S3 server is configured", () => {});
for (const target of targets) {
  for (const variant of variants) {
    let drop: (() => Promise<void>) | undefined;
    runConformanceSuite({
      name: `s3 on ${target.label}: ${variant.label}`,
      largeValueBytes: 2 * 1024 * 1024,
      // the fault section runs with its hooks (proxy, damaged objects, unstorable ids) in faults.conformance.test.ts
      skip: ["faults"],
      createStore: async () => {
        const scratch = await scratchBucket(target);
        drop = scratch.drop;
        return new NodeStore(
          backendFor(target, { ...clientOptions(target), bucketName: scratch.bucket, ...variant.options }),
        );
      },
      destroyStore: async (store) => {
        await store.close();
        await drop?.();
      },
    });
  }
}
