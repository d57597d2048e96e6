import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zstdDecompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ArchiveWriter } from "../src/archive/io.js";
import { exportNodes } from "../src/archive/transfer.js";
import { FailedIdsFile } from "../src/migrate/failed-ids.js";
import { runCli } from "../src/program.js";
import { seededMemory, tempDir, testIo } from "./helpers-engine/index.js";

async function archiveOf(count: number, dir: string): Promise<string> {
  const { backend } = await seededMemory(count);
  const file = join(dir, "seed.nsa");
  await exportNodes({
    source: backend,
    sourceLabel: "memory:",
    writer: ArchiveWriter.open(file, testIo(dir).io, {}),
    batchSize: 10,
    concurrency: 2,
    ioConcurrency: 2,
    failedIds: new FailedIdsFile(undefined, { append: false }),
  });
  return file;
}

describe("nodestore export / import (runCli)", () => {
  it("export writes a complete archive; an existing file needs --force", async () => {
    const dir = tempDir();
    const t = testIo(dir);
    expect(await runCli(["--json", "export", "--from", "memory:", "out.nsa"], t.io)).toBe(0);
    expect(JSON.parse(t.stdout())).toMatchObject({ listed: 0, exported: 0, failed: 0 });
    const body = zstdDecompressSync(readFileSync(join(dir, "out.nsa")));
    expect(body.subarray(0, 8).toString()).toBe("NSARCHIV");
    expect(body.subarray(-9)).toEqual(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0]));
    const again = testIo(dir);
    expect(await runCli(["export", "--from", "memory:", "out.nsa"], again.io)).toBe(2);
    expect(again.stderr()).toMatch(/^nodestore: out.nsa exists \(use --force to overwrite\)\n$/);
    expect(await runCli(["export", "--from", "memory:", "--force", "out.nsa"], testIo(dir).io)).toBe(0);
  });

  it('export to "-" writes the archive to stdout and the report to stderr', async () => {
    const dir = tempDir();
    const t = testIo(dir);
    expect(await runCli(["--json", "export", "--from", "memory:", "-"], t.io)).toBe(0);
    expect(zstdDecompressSync(t.stdoutBytes()).subarray(0, 8).toString()).toBe("NSARCHIV");
    expect(JSON.parse(t.stderr())).toMatchObject({ exported: 0 });
  });

  it("import writes every record, verified, and reports in JSON", async () => {
    const dir = tempDir();
    const file = await archiveOf(55, dir);
    const t = testIo(dir);
    expect(
      await runCli(["--json", "import", file, "--to", "memory:", "--verify", "--batch-size", "8"], t.io),
    ).toBe(0);
    expect(JSON.parse(t.stdout())).toMatchObject({ records: 55, imported: 55, verified: 55, failed: 0 });
    const dry = testIo(dir);
    expect(await runCli(["import", file, "--to", "memory:", "--dry-run"], dry.io)).toBe(0);
    expect(dry.stdout()).toMatch(/would import 55/);
    expect(existsSync(join(dir, "nodestore-import.failed.tsv"))).toBe(false);
  });

  it("a truncated or foreign archive exits 4 with one line; a missing one exits 2", async () => {
    const dir = tempDir();
    const file = await archiveOf(30, dir);
    writeFileSync(join(dir, "cut.nsa"), readFileSync(file).subarray(0, 200));
    const cut = testIo(dir);
    expect(await runCli(["import", "cut.nsa", "--to", "memory:"], cut.io)).toBe(4);
    expect(cut.stderr().trim().split("\n")).toHaveLength(1);
    expect(cut.stderr()).toMatch(/^nodestore: archive/);
    writeFileSync(join(dir, "foreign.nsa"), "hello");
    const foreign = testIo(dir);
    expect(await runCli(["import", "foreign.nsa", "--to", "memory:"], foreign.io)).toBe(4);
    const missing = testIo(dir);
    expect(await runCli(["import", "nope.nsa", "--to", "memory:"], missing.io)).toBe(2);
    expect(missing.stderr()).toMatch(/not found/);
  });
});
