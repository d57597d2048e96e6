import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { MemoryBackend } from "@nodestore/core";
import { serviceEnv } from "@nodestore/services";
import { describe, expect, it } from "vitest";
import { encodeEnd, encodeHeader, encodeRecords, parseArchive } from "../src/archive/format.js";
import { ArchiveWriter, readArchiveFile } from "../src/archive/io.js";
import { exportNodes, importNodes } from "../src/archive/transfer.js";
import { FailedIdsFile } from "../src/migrate/failed-ids.js";
import { allNodes, seededMemory, tempDir, testIo } from "./helpers-engine/index.js";

const settings = { batchSize: 7, concurrency: 3, ioConcurrency: 4 };

async function exportTo(file: string, source: MemoryBackend, dir: string) {
  const { io } = testIo(dir);
  const writer = ArchiveWriter.open(file, io, { source: "memory:", tool: "test" });
  return exportNodes({
    ...settings,
    source,
    sourceLabel: "memory:",
    writer,
    failedIds: new FailedIdsFile(join(dir, "export.failed.tsv"), { append: false }),
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* once(buffer: Buffer) {
  yield buffer;
}

describe("archive format", () => {
  it("round-trips records, with and without timestamps, across any chunking", async () => {
    const records = [
      { id: "a", bytes: Buffer.from("{}") },
      { id: "é\u2603", timestamp: new Date(1_700_000_000_123), bytes: Buffer.alloc(0) },
      { id: "x".repeat(300), timestamp: new Date(-5), bytes: Buffer.from("\n\x00\xff", "latin1") },
    ];
    const whole = Buffer.concat([encodeHeader({ tool: "t" }), encodeRecords(records), encodeEnd(3)]);
    for (const size of [1, 2, 5, 1000]) {
      async function* chunked() {
        for (let i = 0; i < whole.length; i += size) yield whole.subarray(i, i + size);
      }
      let meta: unknown;
      const out = await collect(parseArchive(chunked(), (m) => (meta = m)));
      expect(meta).toEqual({ tool: "t" });
      expect(out.map((r) => [r.id, r.timestamp?.getTime(), Buffer.from(r.bytes).toString("latin1")])).toEqual(
        records.map((r) => [r.id, r.timestamp?.getTime(), r.bytes.toString("latin1")]),
      );
    }
  });

  it("detects truncation, a wrong count, trailing data and a bad magic", async () => {
    const body = Buffer.concat([encodeHeader({}), encodeRecords([{ id: "a", bytes: Buffer.from("xyz") }])]);
    await expect(collect(parseArchive(once(body)))).rejects.toThrow(/truncated: 1 records and no end record/);
    await expect(collect(parseArchive(once(body.subarray(0, body.length - 1))))).rejects.toThrow(/truncated/);
    await expect(collect(parseArchive(once(Buffer.concat([body, encodeEnd(2)]))))).rejects.toThrow(
      /says 2 records/,
    );
    await expect(
      collect(parseArchive(once(Buffer.concat([body, encodeEnd(1), Buffer.from("!")])))),
    ).rejects.toThrow(/after the end record/);
    await expect(collect(parseArchive(once(Buffer.from("PK\x03\x04 not an archive"))))).rejects.toThrow(
      /bad magic/,
    );
  });
});

describe("export and import engines", () => {
  it("export → import copies every node byte for byte, memory flat, with verify", async () => {
    const { backend: source, nodes } = await seededMemory(123);
    const dir = tempDir();
    const file = join(dir, "nodes.nsa");
    const exported = await exportTo(file, source, dir);
    expect(exported).toMatchObject({ listed: 123, exported: 123, failed: 0, interrupted: false });
    const target = new MemoryBackend();
    const { io } = testIo(dir);
    const imported = await importNodes({
      ...settings,
      target,
      records: readArchiveFile(file, io),
      verify: true,
      dryRun: false,
      failedIds: new FailedIdsFile(join(dir, "import.failed.tsv"), { append: false }),
    });
    expect(imported).toMatchObject({ records: 123, imported: 123, verified: 123, failed: 0 });
    expect(await allNodes(target)).toEqual(nodes);
  });

  it("a truncated archive file is an error, not a short import", async () => {
    const { backend: source } = await seededMemory(40);
    const dir = tempDir();
    const file = join(dir, "nodes.nsa");
    await exportTo(file, source, dir);
    const whole = zstdDecompressSync(readFileSync(file));
    const cut = join(dir, "cut.nsa");
    writeFileSync(cut, zstdCompressSync(whole.subarray(0, whole.length - 9)));
    const { io } = testIo(dir);
    const run = importNodes({
      ...settings,
      target: new MemoryBackend(),
      records: readArchiveFile(cut, io),
      verify: false,
      dryRun: false,
      failedIds: new FailedIdsFile(undefined, { append: false }),
    });
    await expect(run).rejects.toThrow(/truncated: 40 records and no end record/);
    // A file cut inside the zstd stream fails too.
    writeFileSync(cut, readFileSync(file).subarray(0, 100));
    await expect(collect(readArchiveFile(cut, io))).rejects.toThrow(/archive/);
  });

  it("an interrupted export leaves an archive that import rejects", async () => {
    const { backend: source } = await seededMemory(200);
    const dir = tempDir();
    const file = join(dir, "nodes.nsa");
    const controller = new AbortController();
    const { io } = testIo(dir);
    const report = await exportNodes({
      ...settings,
      source,
      sourceLabel: "memory:",
      writer: ArchiveWriter.open(file, io, {}),
      failedIds: new FailedIdsFile(undefined, { append: false }),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.copied >= 50) controller.abort();
      },
    });
    expect(report.interrupted).toBe(true);
    expect(report.exported).toBeLessThan(200);
    await expect(collect(readArchiveFile(file, io))).rejects.toThrow(/archive/);
  });

  it("the documented format is readable by an independent Python reader", async () => {
    const python = serviceEnv("NODESTORE_PYTHON");
    if (python === undefined) return;
    const { backend: source, nodes } = await seededMemory(60);
    const dir = tempDir();
    const file = join(dir, "nodes.nsa");
    await exportTo(file, source, dir);
    const out = execFileSync(python, [join(import.meta.dirname, "helpers-engine/read_archive.py"), file], {
      encoding: "utf8",
    });
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const end = lines.pop()!;
    expect(end).toMatchObject({ end: 60, meta: { source: "memory:", tool: "test" } });
    const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
    expect(new Map(lines.map((l) => [l.id, l.md5]))).toEqual(
      new Map([...nodes].map(([id, b]) => [id, md5(b)])),
    );
    for (const l of lines) expect(typeof l.timestamp_ms).toBe("number");
  });
});
