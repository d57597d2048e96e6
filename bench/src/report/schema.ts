/**
 * The results of the providers benchmark (`bench/results/*.json`), as TypeScript types and as a JSON Schema
 * (draft 2020-12) object. Documented in bench/results/README.md. Bump `PROVIDERS_SCHEMA_VERSION` on any
 * incompatible change (a removed or renamed field, a changed unit); adding optional fields is compatible.
 *
 * Units: throughput in operations (calls) or nodes per second; MB/s in 10^6 bytes of *logical* node bytes per
 * second (the encoded payload `JSON(main) [\n name \n JSON(value)]*` before compression); latency in
 * milliseconds per call; sizes in bytes.
 */

export const PROVIDERS_SCHEMA_VERSION = 1;
export const PROVIDERS_SCHEMA_ID = "https://github.com/nodestore/nodestore/bench/providers-results.v1.json";

/** Where the numbers come from, so results from different machines can be compared. */
export interface MachineInfo {
  /** `os.cpus()[0].model`. */
  cpuModel: string;
  /** Logical cores (`os.availableParallelism()`). */
  cores: number;
  /** Total memory, bytes. */
  memoryBytes: number;
  /** `process.version`, e.g. "v24.21.0". */
  node: string;
  v8: string;
  os: { platform: string; release: string; arch: string };
  /** 1, 5 and 15 minute load averages when the run started (a busy shared machine shows here). */
  loadAverage: number[];
}

export interface CorpusInfo {
  /** "generated": @nodestore/corpus `generateCorpus({ seed, count })`; "file": `loadCorpus(path)`. */
  source: "generated" | "file";
  path: string | null;
  seed: number | null;
  events: number;
  errors: number;
  transactions: number;
  /** Events that carry a subkey (`unprocessed`). */
  withSubkeys: number;
  /** Sum of the logical (encoded, uncompressed) sizes of all events. */
  logicalBytes: number;
  /** Distribution of one event's logical size, bytes. */
  bytesPerEvent: { min: number; median: number; p90: number; max: number; mean: number };
}

export interface BenchSettings {
  mode: "quick" | "full";
  /** Timed runs per scenario (medians and spreads are over these). */
  runs: number;
  /** Untimed warm-up runs before them. */
  warmupRuns: number;
  /** A timed run stops starting new calls after this long, or after `maxOpsPerRun` calls. */
  runMs: number;
  warmupMs: number;
  maxOpsPerRun: number;
  ingestConcurrency: number[];
  readBatch: number;
  readConcurrency: number;
  mixed: { writeShare: number; concurrency: number };
  deleteBatch: number;
  /** Nodes written (untimed) before each timed `cleanup` call. */
  cleanupNodes: number;
  /** Nodes written once at the start: measured for bytes stored, then read by the read scenarios. */
  sizingNodes: number;
}

/** Median and spread of one figure over the timed runs. */
export interface Distribution {
  median: number;
  min: number;
  max: number;
  /** Half the min..max range relative to the median (0.05 = ±5%). */
  spread: number;
  /** One value per timed run, in run order. */
  values: number[];
}

export interface RunResult {
  /** Calls completed. */
  ops: number;
  /** Nodes those calls touched (getMulti(100) = 100 per call). */
  nodes: number;
  /** Logical bytes written or read (0 for deletes). */
  logicalBytes: number;
  elapsedMs: number;
  /** Requests sent to the server during the run (pg: `pool.query` calls; S3: HTTP attempts). null: not countable. */
  requests: number | null;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** Calls measured, over all timed runs. */
  samples: number;
}

export type Workload = "ingest" | "read" | "mixed" | "delete" | "cleanup";

export interface ScenarioResult {
  /** Stable id, e.g. "ingest-c8", "read-getMulti100", "bare-pg-set-c8". */
  id: string;
  workload: Workload;
  /** Null for nodestore itself; for a baseline, what it is (e.g. "bare pg: pool.query of pre-encoded rows"). */
  baseline: string | null;
  title: string;
  /** The call timed, e.g. "setSubkeys", "getMulti(100)". */
  operation: string;
  /** Calls in flight. */
  concurrency: number;
  /** Nodes per call. */
  nodesPerOp: number;
  status: "ok" | "skipped" | "failed";
  /** Why it was skipped or failed. */
  reason: string | null;
  runs: RunResult[];
  opsPerSec: Distribution | null;
  nodesPerSec: Distribution | null;
  /** Null where bytes do not apply (deletes, cleanup). */
  mbPerSec: Distribution | null;
  latencyMs: LatencySummary | null;
  /** Total requests / total calls over the timed runs; 0 for memory; null when not countable. */
  requestsPerOp: number | null;
}

export interface StorageResult {
  /** Nodes written for the measurement (the sizing set). */
  nodes: number;
  logicalBytes: number;
  /** Bytes the store holds for them, measured from the store (see `method`). */
  storedBytes: number;
  storedBytesPerNode: number;
  logicalBytesPerNode: number;
  /** logicalBytes / storedBytes: > 1 means the store holds less than the logical payload. */
  ratio: number;
  /** How `storedBytes` was measured, in words. */
  method: string;
  /** Other measurements of the same nodes, e.g. pg `sum(pg_column_size(data))`. */
  details: Record<string, number>;
}

export interface ProviderTarget {
  /** "memory", "postgresql", "s3rver", "seaweedfs", "s3", … */
  kind: string;
  /** Server kind and version when knowable, e.g. "PostgreSQL 18.4", "s3rver 3.7.1". */
  version: string | null;
  /** Who provided the server. */
  source: "in-process" | "embedded" | "services" | "user";
  /** Loopback URL or endpoint, credentials removed. */
  endpoint: string | null;
  description: string;
}

export interface ProviderResult {
  /** "memory", "django-pg", "s3", "opensearch", "tablestore". */
  name: string;
  package: string;
  status: "ran" | "skipped" | "failed";
  /** One line: what it ran against, or why it was skipped. */
  line: string;
  reason: string | null;
  target: ProviderTarget | null;
  storage: StorageResult | null;
  scenarios: ScenarioResult[];
  /** What to know when reading the figures (e.g. how cleanup works on this backend). */
  notes: string[];
  /** Non-fatal problems (a scenario that failed, a cleanup that did not finish). */
  errors: string[];
}

export interface ComparisonTarget {
  /** The figure compared: the ratio ours/baseline, or our own value (e.g. requests per call). */
  of: "ratio" | "value";
  op: ">=" | "<=";
  value: number;
}

/** A fair comparison from the issues, both sides run in the same process run, interleaved. */
export interface Comparison {
  id: string;
  /** GitHub issue number of the project that asked for it. */
  issue: number;
  provider: string;
  title: string;
  metric: "nodesPerSec" | "opsPerSec" | "requestsPerOp";
  ours: { scenario: string; value: number | null };
  baseline: { scenario: string | null; description: string; value: number | null };
  /** ours / baseline (medians); null when there is no measured baseline. */
  ratio: number | null;
  /** Median of the per-run ratios (runs are paired: ours and the baseline back to back). */
  pairedRatio: Distribution | null;
  target: ComparisonTarget | null;
  /** null: no target, or not measured. */
  met: boolean | null;
  note: string | null;
}

export interface ProvidersBenchResult {
  $schema?: string;
  schemaVersion: 1;
  benchmark: "providers";
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The command-line flags / options the run was given (secrets removed). */
  options: Record<string, unknown>;
  machine: MachineInfo;
  corpus: CorpusInfo;
  settings: BenchSettings;
  providers: ProviderResult[];
  comparisons: Comparison[];
}

// ---------------------------------------------------------------------------------------------------------------
// JSON Schema (draft 2020-12). Kept by hand next to the types; bench/test/providers.test.ts validates a real run
// against it with Ajv.

const num = { type: "number" } as const;
const nonNeg = { type: "number", minimum: 0 } as const;
const int = { type: "integer", minimum: 0 } as const;
const str = { type: "string" } as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

export const providersResultJsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: PROVIDERS_SCHEMA_ID,
  title: "@nodestore providers benchmark results",
  $defs: {
    distribution: obj({
      median: nonNeg,
      min: nonNeg,
      max: nonNeg,
      spread: nonNeg,
      values: { type: "array", items: nonNeg, minItems: 1 },
    }),
    run: obj({
      ops: int,
      nodes: int,
      logicalBytes: int,
      elapsedMs: nonNeg,
      requests: nullable(int),
    }),
    latency: obj({ p50: nonNeg, p95: nonNeg, p99: nonNeg, mean: nonNeg, max: nonNeg, samples: int }),
    scenario: obj({
      id: str,
      workload: { enum: ["ingest", "read", "mixed", "delete", "cleanup"] },
      baseline: nullable(str),
      title: str,
      operation: str,
      concurrency: { type: "integer", minimum: 1 },
      nodesPerOp: { type: "integer", minimum: 1 },
      status: { enum: ["ok", "skipped", "failed"] },
      reason: nullable(str),
      runs: { type: "array", items: { $ref: "#/$defs/run" } },
      opsPerSec: nullable({ $ref: "#/$defs/distribution" }),
      nodesPerSec: nullable({ $ref: "#/$defs/distribution" }),
      mbPerSec: nullable({ $ref: "#/$defs/distribution" }),
      latencyMs: nullable({ $ref: "#/$defs/latency" }),
      requestsPerOp: nullable(nonNeg),
    }),
    storage: obj({
      nodes: { type: "integer", minimum: 1 },
      logicalBytes: int,
      storedBytes: int,
      storedBytesPerNode: nonNeg,
      logicalBytesPerNode: nonNeg,
      ratio: nonNeg,
      method: str,
      details: { type: "object", additionalProperties: num },
    }),
    target: obj({
      kind: str,
      version: nullable(str),
      source: { enum: ["in-process", "embedded", "services", "user"] },
      endpoint: nullable(str),
      description: str,
    }),
    provider: obj({
      name: str,
      package: str,
      status: { enum: ["ran", "skipped", "failed"] },
      line: str,
      reason: nullable(str),
      target: nullable({ $ref: "#/$defs/target" }),
      storage: nullable({ $ref: "#/$defs/storage" }),
      scenarios: { type: "array", items: { $ref: "#/$defs/scenario" } },
      notes: { type: "array", items: str },
      errors: { type: "array", items: str },
    }),
    comparison: obj({
      id: str,
      issue: { type: "integer", minimum: 1 },
      provider: str,
      title: str,
      metric: { enum: ["nodesPerSec", "opsPerSec", "requestsPerOp"] },
      ours: obj({ scenario: str, value: nullable(nonNeg) }),
      baseline: obj({ scenario: nullable(str), description: str, value: nullable(nonNeg) }),
      ratio: nullable(nonNeg),
      pairedRatio: nullable({ $ref: "#/$defs/distribution" }),
      target: nullable(obj({ of: { enum: ["ratio", "value"] }, op: { enum: [">=", "<="] }, value: num })),
      met: nullable({ type: "boolean" }),
      note: nullable(str),
    }),
  },
  ...obj(
    {
      $schema: str,
      schemaVersion: { const: PROVIDERS_SCHEMA_VERSION },
      benchmark: { const: "providers" },
      startedAt: { type: "string", format: "date-time" },
      finishedAt: { type: "string", format: "date-time" },
      durationMs: nonNeg,
      options: { type: "object" },
      machine: obj({
        cpuModel: str,
        cores: { type: "integer", minimum: 1 },
        memoryBytes: int,
        node: str,
        v8: str,
        os: obj({ platform: str, release: str, arch: str }),
        loadAverage: { type: "array", items: nonNeg },
      }),
      corpus: obj({
        source: { enum: ["generated", "file"] },
        path: nullable(str),
        seed: nullable(int),
        events: { type: "integer", minimum: 1 },
        errors: int,
        transactions: int,
        withSubkeys: int,
        logicalBytes: int,
        bytesPerEvent: obj({ min: nonNeg, median: nonNeg, p90: nonNeg, max: nonNeg, mean: nonNeg }),
      }),
      settings: obj({
        mode: { enum: ["quick", "full"] },
        runs: { type: "integer", minimum: 1 },
        warmupRuns: int,
        runMs: nonNeg,
        warmupMs: nonNeg,
        maxOpsPerRun: { type: "integer", minimum: 1 },
        ingestConcurrency: { type: "array", items: { type: "integer", minimum: 1 }, minItems: 1 },
        readBatch: { type: "integer", minimum: 1 },
        readConcurrency: { type: "integer", minimum: 1 },
        mixed: obj({
          writeShare: { type: "number", minimum: 0, maximum: 1 },
          concurrency: { type: "integer", minimum: 1 },
        }),
        deleteBatch: { type: "integer", minimum: 1 },
        cleanupNodes: { type: "integer", minimum: 1 },
        sizingNodes: { type: "integer", minimum: 1 },
      }),
      providers: { type: "array", items: { $ref: "#/$defs/provider" } },
      comparisons: { type: "array", items: { $ref: "#/$defs/comparison" } },
    },
    [
      "schemaVersion",
      "benchmark",
      "startedAt",
      "finishedAt",
      "durationMs",
      "options",
      "machine",
      "corpus",
      "settings",
      "providers",
      "comparisons",
    ],
  ),
} as const;
