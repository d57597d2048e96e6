// The shared conformance suite through the real npm SDK, on every configured Tablestore: the local protocol
// server (always, in CI) and a real instance when NODESTORE_TABLESTORE_REAL_* are set. Three stores: zstd (what
// the plugin's README recommends), zlib (`compression: true`) and raw (the plugin's default).
import { runConformanceSuite } from "@nodestore/conformance";
import { NodeStore } from "@nodestore/core";
import { it } from "vitest";
import type { TablestoreOptions } from "../src/index.js";
import { scratchBackend, tablestoreTargets } from "./helpers.js";

const targets = await tablestoreTargets();
if (targets.length === 0) it.skip("Tablestore is not configured", () => {});

const stores: Array<{ label: string; options: Partial<TablestoreOptions>; largeValueBytes?: number }> = [
  { label: "zstd", options: { compression: "zstd" } },
  { label: "zlib", options: { compression: true } },
  // Raw values are stored as they are: the large-value case must fit Tablestore's 2 MiB cell.
  { label: "no compression", options: { compression: false }, largeValueBytes: 1024 * 1024 },
];

for (const target of targets) {
  for (const { label, options, largeValueBytes } of stores) {
    let drop: (() => Promise<void>) | undefined;
    runConformanceSuite({
      name: `tablestore (${label}) on ${target.label}`,
      // The fault section runs in faults.conformance.test.ts.
      skip: ["faults"],
      ...(largeValueBytes ? { largeValueBytes } : {}),
      createStore: () => {
        const scratch = scratchBackend(target, options);
        drop = scratch.drop;
        return new NodeStore(scratch.backend);
      },
      destroyStore: async (store) => {
        await store.close();
        await drop?.();
      },
    });
  }
}
