import { runConformanceSuite } from "@nodestore/conformance";
import { NodeStore } from "@nodestore/core";
import { it } from "vitest";
import type { OpenSearchBackendOptions } from "../src/index.js";
import { openSearchTargets, type Scratch, scratch } from "./helpers.js";

interface Variant {
  readonly label: string;
  readonly options: (s: Scratch) => Partial<OpenSearchBackendOptions>;
  readonly skip?: Array<"cleanup" | "faults">;
}

const variants: Variant[] = [
  {
    label: "index <tag>-{date}, cleanup by whole days",
    options: () => ({}),
    // cleanupPrecision "day" (the default) only drops days that ended before the cutoff, so the section's
    // cleanup(now + 60 s) keeps today's nodes by design. Covered in opensearch-behaviour.test.ts with
    // back-dated indices, and by the "exact" variant below with this section.
    skip: ["cleanup"],
  },
  {
    label: "prefix (sentry-<prefix>-{date}), cleanupPrecision exact",
    options: (s) => ({
      index: undefined,
      indexPrefix: `p${s.tag}`,
      indexPattern: `sentry-p${s.tag}-*`,
      cleanupPrecision: "exact",
    }),
  },
];

const targets = openSearchTargets();
if (targets.length === 0) it.skip("no OpenSearch is configured", () => {});
for (const target of targets) {
  for (const variant of variants) {
    let space: Scratch | undefined;
    runConformanceSuite({
      name: `opensearch on ${target.label}: ${variant.label}`,
      // Above 1 MiB compressed, and what sentry-opensearch-nodestore 1.1's keyword mapping refuses.
      largeValueBytes: 4 * 1024 * 1024,
      // The fault section needs hooks (Toxiproxy, raw damage of stored documents): it runs with them in
      // faults.conformance.test.ts.
      skip: [...(variant.skip ?? []), "faults"],
      createStore: async () => {
        space = scratch(target);
        return new NodeStore(space.backend(variant.options(space)));
      },
      destroyStore: async (store) => {
        await store.close();
        await space?.drop();
      },
    });
  }
}
