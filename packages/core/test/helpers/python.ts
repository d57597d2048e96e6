import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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

export const requireServices = process.env.NODESTORE_REQUIRE_SERVICES === "1";

/**
 * A Python with `modules` for this test, else the test is skipped with one line saying why; with
 * NODESTORE_REQUIRE_SERVICES=1 (CI) a missing Python fails the test instead.
 */
export function pythonOrSkip(ctx: { skip: () => void }, modules: string[]): string {
  const python = findPython(modules);
  if (python) return python;
  if (requireServices) {
    throw new Error(
      `NODESTORE_REQUIRE_SERVICES=1 but no Python with ${modules.join(", ") || "python3"} was found`,
    );
  }
  console.warn(
    `[skip] no Python with ${modules.join(", ")}: run \`pnpm services up\` (or set NODESTORE_PYTHON)`,
  );
  ctx.skip();
  throw new Error("unreachable: ctx.skip() ends the test");
}

/**
 * Runs `compat/ref.py codec ...` (Sentry's own `_encode` / `_decode` from the shim, with simplejson) and returns
 * its stdout; skips or fails like `pythonOrSkip` when the services venv is missing.
 */
export function refCodec(ctx: { skip: () => void }, args: string[], input: string): string {
  const cli =
    process.env.NODESTORE_REF_CLI ?? fileURLToPath(new URL("../../../../compat/ref.py", import.meta.url));
  const python = process.env.NODESTORE_PYTHON ?? findPython(["simplejson", "zstandard"]);
  if (!python || !existsSync(cli)) {
    if (requireServices) throw new Error("NODESTORE_REQUIRE_SERVICES=1 but the Python reference is missing");
    console.warn(
      '[skip] Python reference missing: run `pnpm services up` and `eval "$(pnpm -s services env)"`',
    );
    ctx.skip();
  }
  const result = spawnSync(python!, [cli, "codec", ...args], { input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ref.py codec ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}
