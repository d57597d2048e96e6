/**
 * Where a copy's CPU went: the machine as a whole (/proc/stat) and the two servers `pnpm services` started
 * (their pid files), so the bench can say whether the copier or the servers hold the rate down. Linux only; on
 * other systems, or against servers `pnpm services` did not start, the figures are absent, never guessed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

export interface CpuSample {
  /** Busy and total jiffies of every core (/proc/stat's "cpu" line). */
  readonly busy: number;
  readonly total: number;
  /** CPU jiffies of each server process and its children, dead ones included. */
  readonly servers: Readonly<Record<string, number>>;
}

/** CPU seconds spent between two samples. */
export interface CpuUse {
  readonly cores: number;
  /** Busy share of all cores, 0..1. */
  readonly machineBusy: number;
  /** Server → CPU seconds. */
  readonly servers: Readonly<Record<string, number>>;
}

const SERVERS = { seaweedfs: "seaweedfs.pid", postgres: "pg15.pid" } as const;

let ticks: number | undefined;
function ticksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** utime + stime + cutime + cstime (reaped children: PostgreSQL's per-connection backends) + live children. */
function processTreeJiffies(pid: number, all: ReadonlyArray<{ pid: number; fields: string[] }>): number {
  const own = statFields(pid);
  if (own === undefined) return Number.NaN;
  // Fields after the name start at "state" (field 3): utime is field 14 → index 11.
  const cpu = (f: string[]) => Number(f[11]) + Number(f[12]);
  let sum = cpu(own) + Number(own[13]) + Number(own[14]);
  for (const p of all) if (Number(p.fields[1]) === pid) sum += cpu(p.fields);
  return sum;
}

export function sampleCpu(env: NodeJS.ProcessEnv): CpuSample | undefined {
  if (!existsSync("/proc/stat")) return undefined;
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0); // idle + iowait
  const servers: Record<string, number> = {};
  const runDir = env.NODESTORE_CACHE_DIR ? join(env.NODESTORE_CACHE_DIR, "run") : undefined;
  if (runDir && existsSync(runDir)) {
    const all = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map((name) => ({ pid: Number(name), fields: statFields(Number(name)) }))
      .filter((p): p is { pid: number; fields: string[] } => p.fields !== undefined);
    for (const [name, file] of Object.entries(SERVERS)) {
      const path = join(runDir, file);
      if (!existsSync(path)) continue;
      const jiffies = processTreeJiffies(Number(readFileSync(path, "utf8").trim()), all);
      if (Number.isFinite(jiffies)) servers[name] = jiffies;
    }
  }
  return { busy: total - idle, total, servers };
}

export function cpuBetween(before: CpuSample | undefined, after: CpuSample | undefined): CpuUse | undefined {
  if (before === undefined || after === undefined) return undefined;
  const hz = ticksPerSecond();
  const servers: Record<string, number> = {};
  for (const [name, end] of Object.entries(after.servers)) {
    const start = before.servers[name];
    if (start !== undefined && end >= start) servers[name] = Math.round(((end - start) / hz) * 100) / 100;
  }
  const total = after.total - before.total;
  return {
    cores: availableParallelism(),
    machineBusy: total > 0 ? Math.round(((after.busy - before.busy) / total) * 1000) / 1000 : 0,
    servers,
  };
}
