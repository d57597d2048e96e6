import { defineConfig } from "vitest/config";
import { reportersFor } from "../vitest.shared.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: reportersFor("bench"),
    testTimeout: 120_000,
    // The providers test runs a whole tiny bench in beforeAll: 10 s (the default) was not enough in a loaded CI.
    hookTimeout: 120_000,
  },
});
