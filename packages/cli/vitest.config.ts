import { defineConfig } from "vitest/config";
import { reportersFor } from "../../vitest.shared.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: reportersFor("cli"),
    // The SIGKILL-and-resume run took 96 s in a loaded CI run: a bound on a hang, not a speed check.
    testTimeout: 300_000,
    hookTimeout: 180_000,
    // End-to-end files start real processes against shared servers on 2 cores.
    fileParallelism: false,
  },
});
