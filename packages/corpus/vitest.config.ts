import { defineConfig } from "vitest/config";
import { reportersFor } from "../../vitest.shared.js";

export default defineConfig({
  // Generating hundreds of events through the real SDK is CPU work: on 2 loaded cores a 10 s hook is not enough.
  test: {
    include: ["test/**/*.test.ts"],
    reporters: reportersFor("corpus"),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
