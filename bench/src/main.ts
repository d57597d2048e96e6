/**
 * Benchmark entry point: `pnpm bench [--quick] [--only codec] [--corpus PATH] …` (see cli.ts for every flag).
 * Each benchmark lives in its own folder under src/benchmarks/ and registers here.
 */
import { writeFile } from "node:fs/promises";
import { runCodecBench } from "./benchmarks/codec/index.js";
import { runMigrateBench } from "./benchmarks/migrate/index.js";
import { runProvidersBench } from "./benchmarks/providers/index.js";
import { type BenchArgs, parseBenchArgs, USAGE } from "./cli.js";

type Benchmark = { name: string; description: string; run(args: BenchArgs): Promise<unknown> };

const BENCHMARKS: Benchmark[] = [
  {
    name: "codec",
    description: "encode/decode and compression layers vs JSON.* and Sentry's Python code",
    run: runCodecBench,
  },
  {
    name: "providers",
    description:
      "throughput, latency, requests/call and bytes stored per backend (memory, django-pg, s3), embedded or your servers",
    run: (args) =>
      runProvidersBench({
        ...args.providers,
        quick: args.quick,
        corpus: args.corpus,
        count: args.count,
        seed: args.seed,
      }),
  },
  {
    name: "migrate",
    description:
      "`nodestore migrate` PostgreSQL 15 → SeaweedFS: nodes/s and peak RSS at N and 10×N nodes, beside a bare SELECT + PutObject loop",
    run: runMigrateBench,
  },
];

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    console.log(
      `\nBenchmarks:\n${BENCHMARKS.map((b) => `  ${b.name.padEnd(10)} ${b.description}`).join("\n")}`,
    );
    return;
  }
  const unknown = (args.only ?? []).filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length)
    throw new Error(
      `unknown benchmark(s): ${unknown.join(", ")} (available: ${BENCHMARKS.map((b) => b.name).join(", ")})`,
    );
  const selected = BENCHMARKS.filter((b) => !args.only || args.only.includes(b.name));
  const results: Record<string, unknown> = {};
  for (const bench of selected) results[bench.name] = await bench.run(args);
  if (args.json) {
    await writeFile(args.json, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nResults written to ${args.json}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
