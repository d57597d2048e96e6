import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { StoreEnv } from "@nodestore/core";
import type { CliIo } from "../../src/context.js";
import { runCli } from "../../src/program.js";

export function tempDir(prefix = "nodestore-cmd-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A temp dir holding `files` (name → text). */
export function dirWith(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
  /** Everything printed, for "never appears in any output" checks. */
  readonly all: string;
  /** stdout parsed as one JSON document. */
  json<T = Record<string, unknown>>(): T;
}

let counter = 0;
/** A name for a `memory:NAME` store no other test uses. */
export const memoryName = (prefix = "t") => `memory:${prefix}${++counter}-${process.pid}`;

/** `nodestore ARGS` in-process, with PassThrough streams. */
export async function cli(
  args: readonly string[],
  options: { cwd?: string; env?: StoreEnv; stdin?: string | Buffer; signal?: AbortSignal } = {},
): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const io: CliIo = {
    env: options.env ?? {},
    cwd: options.cwd ?? tempDir(),
    stdout,
    stderr,
    stdin: options.stdin === undefined ? undefined : Readable.from([Buffer.from(options.stdin)]),
    signal: options.signal ?? new AbortController().signal,
    interactive: false,
  };
  const code = await runCli(args, io);
  await new Promise((r) => setImmediate(r));
  const stdoutBytes = Buffer.concat(out);
  const result: RunResult = {
    code,
    stdout: stdoutBytes.toString("utf8"),
    stdoutBytes,
    stderr: Buffer.concat(err).toString("utf8"),
    get all() {
      return this.stdout + this.stderr;
    },
    json<T>() {
      return JSON.parse(this.stdout) as T;
    },
  };
  return result;
}
