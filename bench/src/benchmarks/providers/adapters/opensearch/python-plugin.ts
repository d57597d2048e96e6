import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { benchPath } from "../../../../paths.js";
import { pythonExecutable } from "../../../codec/python.js";

const SCRIPT = benchPath("python/opensearch_plugin.py");

export interface PythonPluginSettings {
  readonly url: string;
  /** Index pattern with `{date}`, alias and template: the bench's namespace. */
  readonly index: string;
  readonly alias: string;
  readonly template: string;
  /** SENTRY_NODESTORE_OPENSEARCH_* for the plugin's template settings. */
  readonly env: Record<string, string>;
  /** The bench's events as JSONL (`toJsonl`), for `set`. */
  readonly corpusPath: string;
  readonly python?: string;
}

/**
 * The real sentry-opensearch-nodestore's `get_multi` and `set_subkeys` in a Python process that stays up for the
 * whole bench (bench/python/opensearch_plugin.py): one request line, one answer line, one call at a time.
 */
export class OpenSearchPythonPlugin {
  private busy = false;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly versions: Record<string, string>,
    private readonly stderr: () => string,
  ) {}

  static async start(
    s: PythonPluginSettings,
  ): Promise<{ ok: true; session: OpenSearchPythonPlugin } | { ok: false; reason: string }> {
    const exe = s.python ?? pythonExecutable();
    const args = [SCRIPT, "--url", s.url, "--index", s.index, "--alias", s.alias, "--template", s.template];
    args.push("--corpus", s.corpusPath);
    const child = spawn(exe, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...s.env } });
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
      const why = parsed.skipped ?? (stderr.trim().split("\n").at(-1) || (first ?? "") || "no output");
      return { ok: false, reason: `${exe} bench/python/opensearch_plugin.py: ${why}` };
    }
    const { ready: _, ...versions } = parsed;
    return {
      ok: true,
      session: new OpenSearchPythonPlugin(child, lines, versions as Record<string, string>, () => stderr),
    };
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
