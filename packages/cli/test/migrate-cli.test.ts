import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MemoryBackend } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/program.js";
import { registerMemoryStore } from "../src/stores/backends.js";
import { allNodes, seededMemory, tempDir, testIo } from "./helpers-engine/index.js";

describe("nodestore migrate (runCli)", () => {
  it("copies between two stores and prints the JSON report", async () => {
    const dir = tempDir();
    const t = testIo(dir);
    expect(
      await runCli(["--json", "migrate", "--from", "memory:", "--to", "memory:", "--verify"], t.io),
    ).toBe(0);
    const report = JSON.parse(t.stdout());
    for (const key of [
      "listed",
      "copied",
      "skippedShard",
      "vanished",
      "failed",
      "verified",
      "mismatched",
      "deletedSource",
      "remapped",
      "unchangedByRemap",
      "bytes",
      "seconds",
      "nodesPerSecond",
      "checkpoint",
      "failedIdsFile",
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report.checkpoint).toMatch(/nodestore-migrate\.[0-9a-f]{12}\.json$/);
    expect(existsSync(report.checkpoint)).toBe(true);
    // Again without --resume: refused; with --resume: nothing left to do; --restart: starts over.
    const again = testIo(dir);
    expect(await runCli(["migrate", "--from", "memory:", "--to", "memory:"], again.io)).toBe(2);
    expect(again.stderr()).toMatch(/use --resume to continue it or --restart to start over\n$/);
    expect(
      await runCli(["migrate", "--from", "memory:", "--to", "memory:", "--resume"], testIo(dir).io),
    ).toBe(0);
    expect(
      await runCli(["migrate", "--from", "memory:", "--to", "memory:", "--restart"], testIo(dir).io),
    ).toBe(0);
  });

  it("--dry-run writes no file at all", async () => {
    const dir = tempDir();
    const t = testIo(dir);
    expect(
      await runCli(["migrate", "--from", "memory:", "--to", "memory:", "--dry-run", "--shard", "1/3"], t.io),
    ).toBe(0);
    expect(t.stdout()).toMatch(/dry run/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [["--shard", "3/3"], /--shard 3\/3: need 0 <= I < N/],
    [["--shard", "x"], /--shard must look like I\/N/],
    [["--delete-source"], /--delete-source needs --verify/],
    [["--remap-project", "3"], /--remap-project must be OLD:NEW/],
    [["--remap-project", "3:4", "--remap-project", "3:5"], /remapped twice/],
    [["--batch-size", "0"], /--batch-size must be an integer/],
    [["--since", "yesterday"], /--since must be an ISO date/],
    [["--since", "2024-02-01", "--until", "2024-01-01"], /must be before --until/],
    [["--resume"], /--resume: no checkpoint at/],
    [["--resume", "--restart"], /exclude each other/],
  ])("rejects %j with exit 2 and one line", async (extra, message) => {
    const dir = tempDir();
    const t = testIo(dir);
    expect(await runCli(["migrate", "--from", "memory:", "--to", "memory:", ...extra], t.io)).toBe(2);
    expect(t.stderr()).toMatch(message);
    expect(t.stderr().trim().split("\n")).toHaveLength(1);
  });

  it("rejects a bad store URL with exit 2, and as JSON with --json", async () => {
    const t = testIo(tempDir());
    expect(await runCli(["--json", "migrate", "--from", "nosuch://x", "--to", "memory:"], t.io)).toBe(2);
    expect(JSON.parse(t.stdout()).error.message).toMatch(/unknown store scheme/);
  });

  it("uses --checkpoint and --failed-ids paths as given", async () => {
    const dir = tempDir();
    const t = testIo(dir);
    expect(
      await runCli(
        [
          "--json",
          "migrate",
          "--from",
          "memory:",
          "--to",
          "memory:",
          "--checkpoint",
          "cp.json",
          "--failed-ids",
          "f.tsv",
        ],
        t.io,
      ),
    ).toBe(0);
    expect(JSON.parse(t.stdout()).checkpoint).toBe(join(dir, "cp.json"));
  });

  it("--help shows examples and exit codes", async () => {
    const t = testIo(tempDir());
    expect(await runCli(["migrate", "--help"], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/--shard 0\/2/);
    expect(t.stdout()).toMatch(/Exit codes: 0 done/);
  });
});

describe("nodestore migrate on named memory stores (runCli)", () => {
  it("copies, remaps and verifies; Ctrl-C exits 130 and --resume finishes", async () => {
    const { backend: source, nodes } = await seededMemory(250);
    const tag = Math.random().toString(36).slice(2);
    registerMemoryStore(`src-${tag}`, source);
    const controller = new AbortController();
    const target = new (class extends MemoryBackend {
      writeCount = 0;
      override async setBytes(id: string, bytes: Uint8Array) {
        if (++this.writeCount >= 60) controller.abort();
        await super.setBytes(id, bytes);
      }
    })();
    registerMemoryStore(`dst-${tag}`, target);
    const dir = tempDir();
    const args = [
      "--json",
      "migrate",
      "--from",
      `memory:src-${tag}`,
      "--to",
      `memory:dst-${tag}`,
      "--batch-size",
      "20",
    ];
    const first = testIo(dir, controller.signal);
    expect(await runCli([...args, "--remap-project", "3:7"], first.io)).toBe(130);
    expect(JSON.parse(first.stdout())).toMatchObject({ interrupted: true });
    const second = testIo(dir);
    expect(await runCli([...args, "--remap-project", "3:7", "--resume", "--verify"], second.io)).toBe(0);
    const report = JSON.parse(second.stdout());
    expect(report).toMatchObject({
      listed: 250,
      copied: 250,
      failed: 0,
      remapped: 25,
      unchangedByRemap: 225,
    });
    expect(target.writeCount - 250).toBeLessThanOrEqual(4 * 20);
    expect((await allNodes(target)).size).toBe(nodes.size);
    // A resume with another remap is refused in one line.
    const other = testIo(dir);
    expect(await runCli([...args, "--resume"], other.io)).toBe(2);
    expect(JSON.parse(other.stdout()).error.message).toMatch(
      /checkpoint is for --remap-project 3:7, this run has none/,
    );
  });

  it("exit 1 and a failed-ids file when nodes fail", async () => {
    const source = new MemoryBackend();
    await source.setBytes("ok", Buffer.from("{}"));
    await source.setBytes("x".repeat(50), Buffer.from("{}"));
    const tag = Math.random().toString(36).slice(2);
    registerMemoryStore(`src-${tag}`, source);
    const target = new (class extends MemoryBackend {
      readonly idRules = { maxLength: 40 };
    })();
    registerMemoryStore(`dst-${tag}`, target);
    const dir = tempDir();
    const t = testIo(dir);
    expect(await runCli(["migrate", "--from", `memory:src-${tag}`, "--to", `memory:dst-${tag}`], t.io)).toBe(
      1,
    );
    expect(t.stdout()).toMatch(/failed 1/);
    const failedFile = /failed ids (\S+)/.exec(t.stdout())![1]!;
    expect(readFileSync(failedFile, "utf8")).toMatch(/^x{50}\ttarget refuses the id: .*longer than 40/);
  });
});
