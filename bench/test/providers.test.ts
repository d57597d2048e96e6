import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ProvidersBenchResult,
  providersResultJsonSchema,
  runProvidersBench,
} from "../src/benchmarks/providers/index.js";

// A tiny run against memory only (no server is started: --no-embedded and an empty environment make django-pg
// and s3 skip). No timing assertions: only structure and arithmetic that must hold on any machine.
describe("providers bench, tiny mode on memory", () => {
  let dir: string;
  let result: ProvidersBenchResult;
  const runs = 2;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nodestore-bench-test-"));
    result = await runProvidersBench({
      quick: true,
      count: 20,
      seed: 3,
      runs,
      runMs: 20,
      maxOpsPerRun: 200,
      deleteBatch: 150,
      cleanupNodes: 40,
      embedded: false,
      env: {},
      outDir: dir,
      print: false,
      progress: false,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const validator = () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: false });
    return ajv.compile(providersResultJsonSchema);
  };

  it("validates against the JSON Schema, as returned and as written", async () => {
    const validate = validator();
    expect(validate(result), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const written = JSON.parse(await readFile(join(dir, "latest.json"), "utf8")) as unknown;
    expect(validate(written), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(written).toEqual({ $schema: "./schema.json", ...JSON.parse(JSON.stringify(result)) });
    const schemaFile = JSON.parse(await readFile(join(dir, "schema.json"), "utf8")) as unknown;
    expect(schemaFile).toEqual(JSON.parse(JSON.stringify(providersResultJsonSchema)));
    expect(Number.isNaN(Date.parse(result.startedAt))).toBe(false);
    expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
  });

  it("says in one line what each provider ran against, or why it was skipped", () => {
    const byName = new Map(result.providers.map((p) => [p.name, p]));
    expect([...byName.keys()]).toEqual([
      "memory",
      "django-pg",
      "s3",
      "s3-rtt",
      "opensearch",
      "opensearch-rtt",
      "tablestore",
    ]);
    expect(byName.get("memory")!.status).toBe("ran");
    expect(byName.get("memory")!.line).toMatch(/^ran against in-process Map/);
    for (const name of ["django-pg", "s3", "s3-rtt"]) {
      const p = byName.get(name)!;
      expect(p.status).toBe("skipped");
      expect(p.line).toMatch(/^skipped: /);
      expect(p.scenarios).toEqual([]);
    }
    for (const name of ["opensearch", "opensearch-rtt"]) {
      expect(byName.get(name)!.line).toMatch(
        /^skipped: no OpenSearch configured \(NODESTORE_BENCH_OPENSEARCH_URL/,
      );
    }
    expect(result.comparisons).toEqual([]);
  });

  it("describes the machine and the corpus", () => {
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.memoryBytes).toBeGreaterThan(0);
    expect(result.machine.node).toBe(process.version);
    expect(result.corpus).toMatchObject({ source: "generated", seed: 3, events: 20 });
    expect(result.corpus.errors + result.corpus.transactions).toBe(20);
    const b = result.corpus.bytesPerEvent;
    expect(b.min).toBeLessThanOrEqual(b.median);
    expect(b.median).toBeLessThanOrEqual(b.max);
    expect(result.corpus.logicalBytes).toBeCloseTo(b.mean * 20, 6);
  });

  it("measures the bytes memory holds: the encoded bytes, ratio 1", () => {
    const storage = result.providers[0]!.storage!;
    expect(storage.nodes).toBe(result.settings.sizingNodes);
    expect(storage.nodes).toBeGreaterThanOrEqual(2 * result.settings.readBatch);
    expect(storage.storedBytes).toBe(storage.logicalBytes);
    expect(storage.ratio).toBe(1);
    expect(storage.storedBytesPerNode).toBeCloseTo(storage.storedBytes / storage.nodes, 9);
  });

  it("runs every scenario with consistent, positive figures", () => {
    const memory = result.providers[0]!;
    expect(memory.errors).toEqual([]);
    expect(memory.scenarios.map((s) => s.id)).toEqual([
      "ingest-c1",
      "ingest-c8",
      "ingest-c32",
      "read-getMulti100",
      "mixed-90w10r-c8",
      "deleteMulti-150",
      "cleanup",
    ]);
    for (const s of memory.scenarios) {
      expect(s.status, `${s.id}: ${s.reason}`).toBe("ok");
      expect(s.runs).toHaveLength(runs);
      for (const r of s.runs) {
        expect(r.ops).toBeGreaterThan(0);
        expect(r.ops).toBeLessThanOrEqual(result.settings.maxOpsPerRun);
        expect(r.elapsedMs).toBeGreaterThan(0);
        expect(r.requests).toBe(0);
        expect(r.nodes).toBe(r.ops * s.nodesPerOp);
        if (s.mbPerSec) expect(r.logicalBytes).toBeGreaterThan(0);
        else expect(r.logicalBytes).toBe(0);
      }
      const ops = s.opsPerSec!;
      expect(ops.values).toHaveLength(runs);
      expect(ops.min).toBeGreaterThan(0);
      expect(ops.min).toBeLessThanOrEqual(ops.median);
      expect(ops.median).toBeLessThanOrEqual(ops.max);
      s.runs.forEach((r, i) => {
        expect(ops.values[i]).toBeCloseTo((r.ops * 1000) / r.elapsedMs, 6);
        expect(s.nodesPerSec!.values[i]).toBeCloseTo(ops.values[i]! * s.nodesPerOp, 6);
        if (s.mbPerSec)
          expect(s.mbPerSec.values[i]).toBeCloseTo(r.logicalBytes / 1e6 / (r.elapsedMs / 1000), 6);
      });
      const l = s.latencyMs!;
      expect(l.samples).toBe(s.runs.reduce((a, r) => a + r.ops, 0));
      expect(l.p50).toBeLessThanOrEqual(l.p95);
      expect(l.p95).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
      expect(s.requestsPerOp).toBe(0);
    }
    const ingest = memory.scenarios.find((s) => s.id === "ingest-c8")!;
    expect(ingest.mbPerSec!.median).toBeGreaterThan(0);
    expect(memory.scenarios.find((s) => s.id === "cleanup")!.runs.every((r) => r.nodes === 40)).toBe(true);
  });

  it("writes the Markdown summary and the self-contained HTML report", async () => {
    const md = await readFile(join(dir, "latest.md"), "utf8");
    expect(md).toContain("### Providers benchmark");
    expect(md).toContain("`memory`");
    const html = await readFile(join(dir, "latest.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org)/);
  });
});
