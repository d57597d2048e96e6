import { afterEach, describe, expect, it, vi } from "vitest";
import { serviceEnv } from "../src/index.js";

// The skip-or-fail rule every integration test file relies on.
describe("serviceEnv", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it("returns the value when the variable is set", () => {
    process.env.NODESTORE_TEST_ONLY_VAR = "x";
    expect(serviceEnv("NODESTORE_TEST_ONLY_VAR")).toBe("x");
    expect(serviceEnv("Thing", ["NODESTORE_TEST_ONLY_VAR"])).toEqual({ NODESTORE_TEST_ONLY_VAR: "x" });
  });

  it("skips with one line naming the variable and the service when it is missing", () => {
    delete process.env.NODESTORE_OPENSEARCH_URL;
    delete process.env.NODESTORE_REQUIRE_SERVICES;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(serviceEnv("NODESTORE_OPENSEARCH_URL")).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]?.[0]);
    expect(line).toMatch(/^\[skip\] OpenSearch: NODESTORE_OPENSEARCH_URL not set/);
    expect(line).not.toContain("\n");
  });

  it("throws instead under NODESTORE_REQUIRE_SERVICES=1", () => {
    delete process.env.NODESTORE_PG_URL;
    process.env.NODESTORE_REQUIRE_SERVICES = "1";
    expect(() => serviceEnv("NODESTORE_PG_URL")).toThrow(
      /NODESTORE_REQUIRE_SERVICES=1 but PostgreSQL .*NODESTORE_PG_URL not set/,
    );
    expect(() => serviceEnv("S3", ["NODESTORE_PG_URL"])).toThrow(/NODESTORE_PG_URL/);
  });
});
