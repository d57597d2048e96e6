import { defineConfig } from "vitest/config";
import { reportersFor } from "../../vitest.shared.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: reportersFor("cli"),
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // End-to-end files start real processes against shared servers on 2 cores.
    fileParallelism: false,
  },
});
