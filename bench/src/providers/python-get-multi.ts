import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { pythonExecutable } from "../codec/python.js";

const SCRIPT = fileURLToPath(new URL("../../python/s3_get_multi.py", import.meta.url));

export interface PythonGetMultiSettings {
  /** Leave out for AWS (boto3's default endpoint for the region). */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  bucketPath: string | null;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** The interpreter (default: NODESTORE_PYTHON, the services venv, python3). */
  python?: string;
}

/**
 * The Python plugin's `get_multi` in a Python process that stays up for the whole bench
 * (bench/python/s3_get_multi.py): each call is one request line and one answer line, so the time measured here
 * is the plugin's plus well under a millisecond of pipe.
 */
export class PythonGetMulti {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly versions: Record<string, string>,
    private readonly stderr: () => string,
  ) {}

  static async start(
    s: PythonGetMultiSettings,
  ): Promise<{ ok: true; session: PythonGetMulti } | { ok: false; reason: string }> {
    const exe = s.python ?? pythonExecutable();
    const args = [SCRIPT, "--region", s.region, "--bucket", s.bucket];
    if (s.endpoint !== undefined) args.push("--endpoint", s.endpoint);
    args.push(...(s.bucketPath === null ? ["--no-bucket-path"] : ["--bucket-path", s.bucketPath]));
    const env: Record<string, string | undefined> = { ...process.env };
    if (s.accessKeyId !== undefined) env.NODESTORE_BENCH_PY_ACCESS_KEY = s.accessKeyId;
    if (s.secretAccessKey !== undefined) env.NODESTORE_BENCH_PY_SECRET_KEY = s.secretAccessKey;
    const child = spawn(exe, args, { stdio: ["pipe", "pipe", "pipe"], env });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    const failed = new Promise<string>((resolve) => {
      child.on("error", (e) => resolve(e.message));
      child.on("exit", (code) => resolve(`exited with ${code}`));
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([lines.next().then((r) => (r.done ? undefined : r.value)), failed]);
    let parsed: { ready?: boolean; skipped?: string } & Record<string, unknown> = {};
    try {
      parsed = JSON.parse(first ?? "") as typeof parsed;
    } catch {
      // not a ready line: reported below
    }
    if (parsed.ready !== true) {
      child.kill();
      const why =
        parsed.skipped ??
        (stderr.trim().split("\n").at(-1) || (first ?? "") || (await failed) || "no output");
      return { ok: false, reason: `${exe} bench/python/s3_get_multi.py: ${why}` };
    }
    const { ready: _, ...versions } = parsed;
    return {
      ok: true,
      session: new PythonGetMulti(child, lines, versions as Record<string, string>, () => stderr),
    };
  }

  /** Runs the plugin's get_multi(ids); returns how many it found. */
  async getMulti(ids: readonly string[]): Promise<number> {
    this.child.stdin.write(`${JSON.stringify({ ids })}\n`);
    const next = await this.lines.next();
    if (next.done) {
      const why = this.stderr().trim().split("\n").at(-1) ?? "";
      throw new Error(`the Python plugin process exited during get_multi: ${why}`);
    }
    return (JSON.parse(next.value) as { found: number }).found;
  }

  close(): void {
    this.child.stdin.end();
  }
}
