import { runConformanceSuite } from "@nodestore/conformance";
import { NodeStore } from "@nodestore/core";
import { it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { postgresTargets, scratchSchema } from "./helpers.js";

const targets = postgresTargets();
if (targets.length === 0) it.skip("PostgreSQL is not configured", () => {});
for (const target of targets) {
  let drop: (() => Promise<void>) | undefined;
  runConformanceSuite({
    name: `django-pg on ${target.label}`,
    // The fault section needs hooks (Toxiproxy, raw SQL damage): it runs with them in faults.conformance.test.ts.
    skip: ["faults"],
    createStore: async () => {
      const scratch = await scratchSchema(target.url);
      drop = scratch.drop;
      return new NodeStore(new DjangoPgBackend({ pool: scratch.pool, schema: scratch.schema }));
    },
    destroyStore: async (store) => {
      await store.close();
      await drop?.();
    },
  });
}
