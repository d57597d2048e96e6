import { fileURLToPath } from "node:url";

// Resolved from this file's place (bench/src), so a benchmark can move between folders without its paths breaking.
const BENCH = new URL("../", import.meta.url);

/** A path under bench/, e.g. `benchPath("python/codec_bench.py")`. */
export function benchPath(relative: string): string {
  return fileURLToPath(new URL(relative, BENCH));
}

/** A path under the repository root, e.g. `repoPath("packages/s3/package.json")`. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, BENCH));
}
