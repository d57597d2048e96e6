import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { benchPath } from "../../paths.js";

const SCRIPT = benchPath("python/codec_bench.py");

export type PythonTiming = {
  median_s: number;
  p10_s: number;
  p90_s: number;
  min_s: number;
  max_s: number;
  rounds: number;
};
export type PythonMeta = {
  python: string;
  implementation: string;
  executable: string;
  simplejson: string;
  simplejson_speedups: boolean;
  zstandard: string;
  zlib: string;
  events: number;
  main_bytes: number;
  total_bytes: number;
  zlib_bytes: number;
  django_bytes: number;
  zstd_bytes: number;
  encoded_sha256: string;
  operations: string[];
};

/** `$NODESTORE_PYTHON`, else `~/.cache/nodestore/venv/bin/python`, else `python3`. */
export function pythonExecutable(): string {
  if (process.env.NODESTORE_PYTHON) return process.env.NODESTORE_PYTHON;
  const venv = join(homedir(), ".cache", "nodestore", "venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

/**
 * bench/python/codec_bench.py in `--serve` mode: it loads the corpus once, then times one operation per
 * request, so each Python measurement can sit right next to the TypeScript one (the load of a shared
 * machine drifts; measuring far apart would skew the ratios).
 */
export class PythonSession {
  private readonly lines: AsyncIterator<string>;
  private stderr = "";

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly meta: PythonMeta,
    lines: AsyncIterator<string>,
  ) {
    this.lines = lines;
  }

  static async start(
    corpusPath: string,
  ): Promise<{ ok: true; session: PythonSession } | { ok: false; reason: string }> {
    const exe = pythonExecutable();
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(exe, [SCRIPT, "--serve", "--corpus", corpusPath], { stdio: ["pipe", "pipe", "pipe"] });
    } catch (error) {
      return { ok: false, reason: `${exe} could not be started (${(error as Error).message})` };
    }
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    const spawnError = new Promise<string>((resolve) => child.on("error", (e) => resolve(e.message)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([
      lines.next().then((r) => (r.done ? undefined : r.value)),
      spawnError.then(() => undefined),
    ]);
    let parsed: (PythonMeta & { skipped?: string }) | undefined;
    try {
      parsed = first ? (JSON.parse(first) as PythonMeta & { skipped?: string }) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed?.skipped) return { ok: false, reason: `${exe} lacks simplejson/zstandard: ${parsed.skipped}` };
    if (!parsed) {
      child.kill();
      const why =
        (await Promise.race([spawnError, new Promise<string>((r) => setTimeout(() => r(""), 200))])) ||
        stderr.trim().split("\n").at(-1) ||
        "no output";
      return { ok: false, reason: `${exe} failed: ${why}` };
    }
    const session = new PythonSession(child, parsed, lines);
    session.stderr = stderr;
    child.stderr.on("data", (d: Buffer) => {
      session.stderr += d;
    });
    return { ok: true, session };
  }

  async time(
    op: string,
    opts: { minTime: number; minRounds: number; warmup: number },
  ): Promise<PythonTiming> {
    this.child.stdin.write(
      `${JSON.stringify({ op, min_time: opts.minTime, min_rounds: opts.minRounds, warmup: opts.warmup })}\n`,
    );
    const next = await this.lines.next();
    if (next.done)
      throw new Error(
        `the Python reference exited while timing ${op}: ${this.stderr.trim().split("\n").at(-1) ?? ""}`,
      );
    return JSON.parse(next.value) as PythonTiming;
  }

  close(): void {
    this.child.stdin.end();
  }
}
