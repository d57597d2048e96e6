import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cpuBetween, sampleCpu } from "../src/benchmarks/migrate/cpu.js";

// A "server" that, on each line of stdin, starts a child that burns 300 ms of CPU (not of wall time: CI runs
// suites side by side) and exits (as PostgreSQL's
// per-connection backends do), then prints "done" once it has reaped it.
const SERVER = `
const { execFileSync } = require("node:child_process");
process.stdin.on("data", () => {
  execFileSync(process.execPath, ["-e", "while (process.cpuUsage().user + process.cpuUsage().system < 300000) {}"]);
  process.stdout.write("done\\n");
});
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

describe.runIf(existsSync("/proc/stat"))("migrate bench CPU accounting (/proc)", () => {
  it("counts a server's CPU, its reaped children included, from the pid file under NODESTORE_CACHE_DIR", async () => {
    const server = spawn(process.execPath, ["-e", SERVER], { stdio: ["pipe", "pipe", "inherit"] });
    children.push(server);
    const cache = mkdtempSync(join(tmpdir(), "nsbench-cpu-"));
    mkdirSync(join(cache, "run"));
    writeFileSync(join(cache, "run", "pg15.pid"), `${server.pid}\n`);
    const env = { NODESTORE_CACHE_DIR: cache };

    const before = sampleCpu(env);
    expect(before?.servers.postgres).toBeTypeOf("number");
    expect(before?.servers.seaweedfs).toBeUndefined(); // no pid file: absent, not zero
    await new Promise<void>((resolve) => {
      server.stdout!.once("data", () => resolve());
      server.stdin!.write("go\n");
    });
    const use = cpuBetween(before, sampleCpu(env));

    expect(use?.servers.postgres).toBeGreaterThanOrEqual(0.28); // jiffies: 10 ms steps
    expect(use?.machineBusy).toBeGreaterThan(0);
    expect(use?.machineBusy).toBeLessThanOrEqual(1);
  });

  it("leaves out servers without a cache dir, and gives nothing without two samples", () => {
    expect(sampleCpu({})?.servers).toEqual({});
    expect(cpuBetween(undefined, sampleCpu({}))).toBeUndefined();
  });
});
