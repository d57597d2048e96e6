import { defineConfig } from "vitest/config";
import { reportersFor } from "../../vitest.shared.js";

// Smoke tests of the services `pnpm services up` starts; each file skips (or, with NODESTORE_REQUIRE_SERVICES=1,
// fails) when its service's env vars are missing. Files run one at a time: they share the servers.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: reportersFor("services"),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
