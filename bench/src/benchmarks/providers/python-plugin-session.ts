import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { benchPath } from "../../paths.js";
import { pythonExecutable } from "../codec/python.js";

/**
 * A Python plugin's `get_multi` and `set_subkeys` in a Python process that stays up for the whole bench
 * (bench/python/<plugin>_plugin.py): each call is one request line and one answer line, so the time measured here
 * is the plugin's plus well under a millisecond of pipe. One call at a time, as the plugin serves one caller.
 */
export class PythonPluginSession {
  private busy = false;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly versions: Record<string, string>,
    private readonly stderr: () => string,
  ) {}

  /** Starts `bench/<script>` with `args` and waits for its ready line (or its skip reason). */
  static async start(
    script: string,
    args: readonly string[],
    env: Record<string, string | undefined>,
    python?: string,
  ): Promise<{ ok: true; session: PythonPluginSession } | { ok: false; reason: string }> {
    const exe = python ?? pythonExecutable();
    const child = spawn(exe, [benchPath(script), ...args], { stdio: ["pipe", "pipe", "pipe"], env });
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
      return { ok: false, reason: `${exe} bench/${script}: ${why}` };
    }
    const { ready: _, ...versions } = parsed;
    const session = new PythonPluginSession(child, lines, versions as Record<string, string>, () => stderr);
    return { ok: true, session };
  }

  /** The plugin's get_multi(ids); how many it found. */
  async getMulti(ids: readonly string[]): Promise<number> {
    return ((await this.call({ op: "get_multi", ids })) as { found: number }).found;
  }

  /** The plugin's set_subkeys(id, {None: main, **subkeys}) for corpus event `index`. */
  async set(id: string, index: number): Promise<void> {
    await this.call({ op: "set", id, index });
  }

  private async call(request: Record<string, unknown>): Promise<unknown> {
    if (this.busy) throw new Error("the Python plugin process serves one call at a time");
    this.busy = true;
    try {
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
      const next = await this.lines.next();
      if (next.done) {
        const why = this.stderr().trim().split("\n").at(-1) ?? "";
        throw new Error(`the Python plugin process exited during ${String(request.op)}: ${why}`);
      }
      const answer = JSON.parse(next.value) as { error?: string };
      if (answer.error) throw new Error(`the Python plugin process: ${answer.error}`);
      return answer;
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.child.stdin.end();
  }
}
