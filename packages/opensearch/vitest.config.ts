import { defineConfig } from "vitest/config";
import { reportersFor } from "../../vitest.shared.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // No embedded OpenSearch: without NODESTORE_OPENSEARCH_URL the integration files skip (CI sets it).
    reporters: reportersFor("opensearch"),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two OpenSearch nodes and Python share 2 cores: one file at a time keeps timings sane.
    fileParallelism: false,
  },
});
