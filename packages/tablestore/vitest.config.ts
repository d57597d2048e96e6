import { defineConfig } from "vitest/config";
import { reportersFor } from "../../vitest.shared.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Starts the local Tablestore server when none is configured (never in CI): see test/global-setup.ts.
    globalSetup: ["test/global-setup.ts"],
    reporters: reportersFor("tablestore"),
    testTimeout: 60_000,
    hookTimeout: 60_000, // hooks set up servers and data: 10 s (the default) is tight on a loaded CI
  },
});
