// No server: option and environment parsing, index names, the template comparison, copy ordering.
import { describe, expect, it } from "vitest";
import { type Copy, foldMget, isNewer } from "../src/documents.js";
import { pythonInt } from "../src/env.js";
import {
  compareTemplate,
  indexNaming,
  OpenSearchBackend,
  pythonUtcIso,
  readPythonEnv,
  templateBody,
} from "../src/index.js";
import { resolveOpenSearchOptions } from "../src/options.js";

const node = "http://127.0.0.1:1";

describe("the plugin's five environment variables, read by its rules", () => {
  it("defaults when unset or blank", () => {
    expect(readPythonEnv({})).toEqual({ warnings: [] } as never);
    const blank = readPythonEnv({
      SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: " ",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC: "",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_PREFIX: "  ",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN: "",
    });
    expect(blank).toMatchObject({
      shards: undefined,
      codec: undefined,
      prefix: undefined,
      indexPattern: undefined,
    });
  });

  it("integers as Python's int(): whitespace, sign, underscores; anything else names the variable", () => {
    expect(pythonInt(" 3 ")).toBe(3);
    expect(pythonInt("+2")).toBe(2);
    expect(pythonInt("1_0")).toBe(10);
    expect(pythonInt("1__0")).toBeUndefined();
    expect(pythonInt("3.0")).toBeUndefined();
    expect(readPythonEnv({ SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA: "0" }).replicas).toBe(0);
    expect(() => readPythonEnv({ SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: "three" })).toThrow(
      "SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS must be an integer, got: 'three'",
    );
    // The plugin reads the singular REPLICA; the plural (its 1.0 name) is not read.
    expect(readPythonEnv({ SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICAS: "2" }).replicas).toBeUndefined();
    // A negative count parses (as in Python) and is refused when options are resolved.
    expect(() =>
      resolveOpenSearchOptions({ node, env: { SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: "-1" } }),
    ).toThrow(/shards must be an integer >= 1, got -1/);
  });

  it("exactly one index pattern: plain, a JSON array of one, or a comma list reducing to one", () => {
    const p = (v: string) => readPythonEnv({ SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN: v }).indexPattern;
    expect(p(" nodes-* ")).toBe("nodes-*");
    expect(p('[" nodes-* "]')).toBe("nodes-*");
    expect(p("nodes-*, ,")).toBe("nodes-*");
    expect(() => p('["a-*","b-*"]')).toThrow("must contain exactly one pattern; got 2");
    expect(() => p("[]")).toThrow("must be a non-empty JSON array");
    expect(() => p("[nope")).toThrow("must be a single pattern string or a JSON array with one string");
    expect(() => p('[" "]')).toThrow("contains an empty pattern");
    expect(() => p("a-*,b-*")).toThrow("must contain exactly one pattern (no multiple values)");
    expect(readPythonEnv({ SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN: "nodes" }).warnings[0]).toMatch(
      /^index_pattern\.missing_wildcard/,
    );
  });

  it("options win over the environment; the environment over the defaults", () => {
    const env = {
      SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: "5",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_PREFIX: " dev ",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC: "best_compression",
    };
    const fromEnv = resolveOpenSearchOptions({ node, env });
    expect(fromEnv).toMatchObject({
      shards: 5,
      replicas: 1,
      codec: "best_compression",
      indexPattern: "sentry-*",
    });
    expect(fromEnv.naming.pattern).toBe("sentry-dev-{date}");
    const explicit = resolveOpenSearchOptions({ node, env, shards: 2, indexPrefix: "prod", codec: "zstd" });
    expect(explicit).toMatchObject({ shards: 2, codec: "zstd" });
    expect(explicit.naming.pattern).toBe("sentry-prod-{date}");
    expect(resolveOpenSearchOptions({ node, env: {} })).toMatchObject({
      shards: 3,
      replicas: 1,
      codec: undefined,
    });
  });
});

describe("index names", () => {
  it("the plugin's default resolves with and without a prefix; the day is UTC", () => {
    const day = new Date("2025-08-29T23:30:00-05:00"); // 04:30 UTC on the 30th
    expect(indexNaming("sentry-{prefix}-{date}", undefined).nameFor(day)).toBe("sentry-2025-08-30");
    expect(indexNaming("sentry-{prefix}-{date}", "dev").nameFor(day)).toBe("sentry-dev-2025-08-30");
    expect(indexNaming("nodes-{date}", "x").nameFor(day)).toBe("nodes-2025-08-30");
  });

  it("parses dates with and without prefix and with suffixes, and nothing outside the pattern", () => {
    const plain = indexNaming("sentry-{prefix}-{date}", undefined);
    const day = (s?: Date) => s?.toISOString().slice(0, 10);
    expect(day(plain.dateOf("sentry-2022-12-29"))).toBe("2022-12-29");
    expect(day(plain.dateOf("sentry-2022-12-29-fixed"))).toBe("2022-12-29");
    expect(plain.dateOf("sentry-dev-2022-12-29")).toBeUndefined();
    expect(plain.dateOf("sentry-2022-13-01")).toBeUndefined();
    expect(plain.dateOf("other-2022-12-29")).toBeUndefined();
    expect(plain.dateOf("xsentry-2022-12-29")).toBeUndefined();
    const dev = indexNaming("sentry-{prefix}-{date}", "dev");
    expect(day(dev.dateOf("sentry-dev-2022-12-29-reindex"))).toBe("2022-12-29");
    expect(dev.dateOf("sentry-2022-12-29")).toBeUndefined();
    expect(dev.wildcard).toBe("sentry-dev-*");
  });

  it("refuses patterns OpenSearch would refuse, at construction", () => {
    expect(() => indexNaming("sentry", undefined)).toThrow(/\{date\}/);
    expect(() => indexNaming("Sentry-{date}", undefined)).toThrow(/invalid names/);
    expect(() => indexNaming("sentry-{date}-{date}", undefined)).toThrow(/exactly once/);
    expect(() => indexNaming("sentry-{prefix}-{date}", "a b")).toThrow(/prefix/);
    expect(() => new OpenSearchBackend({ node: "ftp://x", env: {} })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => new OpenSearchBackend({ env: {} })).toThrow(/needs `client` or `node`/);
  });
});

describe("documents", () => {
  it("timestamp as Python's datetime.now(timezone.utc).isoformat()", () => {
    expect(pythonUtcIso(new Date("2025-08-29T10:11:12.123Z"))).toBe("2025-08-29T10:11:12.123000+00:00");
  });

  it("the newest copy: stored timestamps first, then the index's day, then the name", () => {
    const c = (index: string, timestamp?: number): Copy => ({ index, data: "", timestamp });
    expect(isNewer(c("s-2025-01-01", 2), c("s-2025-01-02", 1))).toBe(true);
    expect(isNewer(c("s-2025-01-02"), c("s-2025-01-01", 5))).toBe(true);
    expect(isNewer(c("s-2025-01-01-fixed"), c("s-2025-01-01"))).toBe(true);
    const folded = foldMget([
      { _index: "s-2025-01-01", _id: "a", found: true, fields: { data: ["old"] } },
      { _index: "s-2025-01-03", _id: "a", found: true, fields: { data: ["new"] } },
      { _index: "s-2025-01-02", _id: "a", found: true, fields: { data: ["mid"] } },
      {
        _index: "gone",
        _id: "a",
        error: { type: "index_not_found_exception", reason: "no such index [gone]" },
      },
      {
        _index: "s-2025-01-02",
        _id: "b",
        error: { type: "no_shard_available_action_exception", reason: "x" },
      },
    ]);
    expect(folded.copies.get("a")?.data).toEqual(["new"]);
    expect([...folded.missingIndices]).toEqual(["gone"]);
    expect(folded.failures).toMatchObject([{ id: "b", status: 503 }]);
  });
});

describe("template comparison", () => {
  const o = resolveOpenSearchOptions({ node, env: {}, shards: 1, replicas: 0 });
  const ours = templateBody(o, "best_compression");

  it("ours equals ours; Python 1.2's is usable (keyword without doc values, unstored timestamp)", () => {
    expect(compareTemplate(ours, ours, "sentry-2025-01-01", "sentry")).toEqual([]);
    const python = {
      index_patterns: ["sentry-*"],
      template: {
        settings: { index: { codec: "zstd", number_of_shards: "3", number_of_replicas: "1" } },
        mappings: {
          _source: { enabled: false },
          properties: {
            data: { type: "keyword", index: false, store: true, doc_values: false },
            timestamp: { type: "date" },
          },
        },
        aliases: { sentry: {} },
      },
    };
    const diff = compareTemplate(python, ours, "sentry-2025-01-01", "sentry");
    expect(diff.every((d) => d.severity === "info")).toBe(true);
    expect(diff.map((d) => d.what).join("\n")).toMatch(/stored keyword[\s\S]*not stored[\s\S]*codec is zstd/);
  });

  it("flags what breaks reads or large writes", () => {
    const bad = {
      index_patterns: ["nodes-*"],
      template: { mappings: { properties: { data: { type: "keyword", index: false, store: true } } } },
    };
    const diff = compareTemplate(bad, ours, "sentry-2025-01-01", "sentry");
    expect(diff.filter((d) => d.severity === "fatal")).toHaveLength(2);
    expect(diff.some((d) => d.severity === "large-nodes")).toBe(true);
  });
});
