/**
 * Benchmark entry point: `pnpm bench [-- --quick] [--only codec] [--corpus PATH]`.
 * Each benchmark lives in its own folder (src/codec, later src/providers) and registers here.
 */
import { writeFile } from "node:fs/promises";
import { type Args, parseArgs, USAGE } from "./args.js";
import { runCodecBench } from "./codec/index.js";

type Benchmark = { name: string; description: string; run(args: Args): Promise<unknown> };

const BENCHMARKS: Benchmark[] = [
  {
    name: "codec",
    description: "encode/decode and compression layers vs JSON.* and Sentry's Python code",
    run: runCodecBench,
  },
];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
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
