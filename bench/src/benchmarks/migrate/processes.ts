import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type CpuUse, cpuBetween, sampleCpu } from "./cpu.js";
import { MIGRATE_SETTINGS } from "./settings.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export interface MigrateRun {
  readonly nodes: number;
  /** The copy itself, as the process measured it (start-up excluded on both sides). */
  readonly seconds: number;
  readonly peakRssMb: number;
  /** User + system CPU seconds of the copying process (start-up included). */
  readonly cpuSeconds: number;
  /** The machine and the servers over the same process lifetime, where /proc and the pid files tell. */
  readonly cpu: CpuUse | undefined;
}

interface Target {
  readonly pgUrl: string;
  readonly table: string;
  readonly endpoint: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly env: NodeJS.ProcessEnv;
}

/** `argv` under `/usr/bin/time`, for the child's peak RSS and CPU; returns its last stdout line as JSON. */
async function timed(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ json: Record<string, unknown>; rssMb: number; cpuSeconds: number; cpu: CpuUse | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), "nsmig-"));
  try {
    const out = join(dir, "time");
    let stdout: string;
    const before = sampleCpu(env);
    try {
      ({ stdout } = await run("/usr/bin/time", ["-f", "%M %U %S", "-o", out, ...argv], {
        env,
        cwd: dir,
        maxBuffer: 64 << 20,
      }));
    } catch (error) {
      // The command line holds the source URL (and its password): report what the process said, not its argv.
      const e = error as { stdout?: string; stderr?: string; code?: number };
      const lines = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim().split("\n");
      const said = lines.find((l) => /error/i.test(l) && !l.startsWith("Node.js")) ?? lines.at(-1);
      throw new Error(
        `${argv.includes("migrate") ? "nodestore migrate" : "bare loop"} exited ${e.code}: ${said}`,
      );
    }
    const cpu = cpuBetween(before, sampleCpu(env));
    const [rssKb, user, system] = ((await readFile(out, "utf8")).trim().split("\n").at(-1) ?? "")
      .split(" ")
      .map(Number);
    const last = stdout.trim().split("\n").at(-1) ?? "{}";
    return {
      json: JSON.parse(last),
      rssMb: Math.round((rssKb ?? 0) / 1024),
      cpuSeconds: Math.round(((user ?? 0) + (system ?? 0)) * 100) / 100,
      cpu,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runBareLoop(t: Target): Promise<MigrateRun> {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const { pages, pageSize, puts } = MIGRATE_SETTINGS;
  const { json, rssMb, cpuSeconds, cpu } = await timed(
    [
      process.execPath,
      tsx,
      join(here, "bare-loop.ts"),
      t.pgUrl,
      t.table,
      t.endpoint,
      t.bucket,
      t.prefix,
      String(pageSize),
      String(pages),
      String(puts),
    ],
    t.env,
  );
  return { nodes: Number(json.nodes), seconds: Number(json.seconds), peakRssMb: rssMb, cpuSeconds, cpu };
}

export async function runCliMigrate(t: Target): Promise<MigrateRun> {
  const bin = createRequire(import.meta.url)
    .resolve("@nodestore/cli/package.json")
    .replace(/package\.json$/, "dist/bin.js");
  const { pages, pageSize } = MIGRATE_SETTINGS;
  const { json, rssMb, cpuSeconds, cpu } = await timed(
    [
      process.execPath,
      bin,
      "migrate",
      "--from",
      `${t.pgUrl}${t.pgUrl.includes("?") ? "&" : "?"}table=${t.table}`,
      "--to",
      `s3://${t.bucket}/${t.prefix}?endpoint=${encodeURIComponent(t.endpoint)}`,
      "--concurrency",
      String(pages),
      "--batch-size",
      String(pageSize),
      "--json",
    ],
    {
      ...t.env,
      AWS_ACCESS_KEY_ID: t.env.NODESTORE_S3_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: t.env.NODESTORE_S3_SECRET_KEY,
      AWS_REGION: t.env.NODESTORE_S3_REGION ?? "us-east-1",
    },
  );
  return { nodes: Number(json.copied), seconds: Number(json.seconds), peakRssMb: rssMb, cpuSeconds, cpu };
}
