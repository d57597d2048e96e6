import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** A Python interpreter with the given modules: the services venv first, then python3. */
export function findPython(modules: string[]): string | undefined {
  const candidates = [
    process.env.NODESTORE_PYTHON,
    join(process.env.NODESTORE_CACHE_DIR ?? join(homedir(), ".cache", "nodestore"), "venv", "bin", "python"),
    "python3",
  ].filter((c): c is string => Boolean(c) && (c === "python3" || existsSync(c!)));
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", modules.map((m) => `import ${m}`).join(";") || "pass"]);
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** Runs a Python snippet with `input` on stdin; returns stdout, throws with stderr on failure. */
export function runPython(python: string, code: string, input: string): string {
  const result = spawnSync(python, ["-c", code], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return result.stdout;
}
