import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  BackendUnavailableError,
  CorruptNodeError,
  InvalidIdError,
  MemoryBackend,
  type NodeBackend,
} from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { CliError, EXIT } from "../src/exit-codes.js";
import { type Checkpoint, type MigrationIdentity, readCheckpoint } from "../src/migrate/checkpoint.js";
import { type MigrateOptions, migrate } from "../src/migrate/engine.js";
import { parseShard, shardOf } from "../src/migrate/shard.js";
import {
  allNodes,
  eventNode,
  InstrumentedBackend,
  md5,
  seededMemory,
  tempDir,
} from "./helpers-engine/index.js";

const identity: MigrationIdentity = {
  from: "memory:a",
  to: "memory:b",
  shard: null,
  since: null,
  until: null,
  remap: [],
};

function options(source: NodeBackend, target: NodeBackend, dir: string, more: Partial<MigrateOptions> = {}) {
  return {
    source,
    target,
    identity,
    batchSize: 10,
    concurrency: 4,
    ioConcurrency: 4,
    verify: false,
    deleteSource: false,
    dryRun: false,
    checkpointPath: join(dir, "cp.json"),
    failedIdsPath: join(dir, "failed.tsv"),
    resume: false,
    restart: false,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    ...more,
  } satisfies MigrateOptions;
}

describe("migrate engine", () => {
  it("copies every node byte for byte, verifies, and records a complete checkpoint", async () => {
    const { backend: source, nodes } = await seededMemory(95);
    const target = new MemoryBackend();
    const dir = tempDir();
    const report = await migrate(options(source, target, dir, { verify: true }));
    expect(report).toMatchObject({
      listed: 95,
      copied: 95,
      verified: 95,
      failed: 0,
      mismatched: 0,
      complete: true,
    });
    expect(report.bytes).toBe([...nodes.values()].reduce((n, b) => n + b.length, 0));
    expect(await allNodes(target)).toEqual(nodes);
    const cp = readCheckpoint(join(dir, "cp.json"))!;
    expect(cp).toMatchObject({ complete: true, doneAhead: [], from: "memory:a" });
    expect(cp.counts.copied).toBe(95);
  });

  it("--skip-existing leaves nodes the target already has (a newer copy) and copies the rest", async () => {
    const { backend: source, nodes } = await seededMemory(30);
    const target = new MemoryBackend();
    const ids = [...nodes.keys()];
    const newer = new TextEncoder().encode('{"newer":true}');
    for (const id of ids.slice(0, 7)) await target.setBytes(id, newer);
    const report = await migrate(options(source, target, tempDir(), { verify: true, skipExisting: true }));
    expect(report).toMatchObject({ listed: 30, copied: 23, keptExisting: 7, verified: 23, failed: 0 });
    const after = await allNodes(target);
    const text = (b: Uint8Array | undefined) => Buffer.from(b!).toString("latin1");
    for (const id of ids.slice(0, 7)) expect(text(after.get(id))).toBe('{"newer":true}');
    for (const id of ids.slice(7)) expect(text(after.get(id))).toBe(text(nodes.get(id)));
  });

  it("refuses an existing checkpoint without --resume, and a resume of another migration", async () => {
    const { backend: source } = await seededMemory(5);
    const dir = tempDir();
    await migrate(options(source, new MemoryBackend(), dir));
    await expect(migrate(options(source, new MemoryBackend(), dir))).rejects.toThrow(/--resume .* --restart/);
    await expect(
      migrate(
        options(source, new MemoryBackend(), dir, {
          resume: true,
          identity: { ...identity, to: "memory:c" },
        }),
      ),
    ).rejects.toThrow(/checkpoint is for --to "memory:b"/);
    await expect(
      migrate(
        options(source, new MemoryBackend(), dir, {
          resume: true,
          identity: { ...identity, remap: [["3", "7"]] },
        }),
      ),
    ).rejects.toThrow(/--remap-project none/);
    const again = await migrate(options(source, new MemoryBackend(), dir, { restart: true }));
    expect(again.copied).toBe(5);
  });

  it("resumes after a kill mid-run, redoing at most concurrency × batch size nodes", async () => {
    for (let round = 0; round < 8; round++) {
      const { backend: memory, nodes } = await seededMemory(500);
      const source = memory;
      const store = new MemoryBackend();
      const first = new InstrumentedBackend(store);
      first.jitterMs = 5; // pages finish out of order
      first.hangAfterWrites = 100 + Math.floor(Math.random() * 300);
      // Even rounds: one early page is held until the kill, so the pages after it are done ahead of the cursor
      // (doneAhead is exercised every time, not only when the jitter happens to reorder pages at the kill).
      const held = round % 2 === 0;
      if (held) first.holdIds.add((await scanOrder(source))[10 * (round / 2) + 3]!);
      const dir = tempDir();
      const opts = options(source, first, dir, { batchSize: 10, concurrency: 4 });
      void migrate(opts); // "killed": its pending writes never settle; only the checkpoint file survives
      await waitFor(() => first.writeCount >= first.hangAfterWrites);
      const cp = JSON.parse(readFileSync(opts.checkpointPath, "utf8")) as Checkpoint;
      if (held) expect(cp.doneAhead.length).toBeGreaterThan(0);
      const second = new InstrumentedBackend(store);
      const report = await migrate({ ...opts, target: second, resume: true, verify: true });
      expect(report.complete).toBe(true);
      expect(report.copied).toBe(500);
      expect(await allNodes(store)).toEqual(nodes);
      const redone = [...second.writes.keys()].filter((id) => first.writes.has(id)).length;
      expect(redone).toBeLessThanOrEqual(4 * 10);
      expect(second.writeCount).toBe(500 - cp.counts.copied);
      for (const count of second.writes.values()) expect(count).toBe(1);
    }
  });

  it("two shards copy everything exactly once", async () => {
    const { backend: source, nodes } = await seededMemory(300);
    const store = new MemoryBackend();
    const target = new InstrumentedBackend(store);
    const reports = [];
    const written: string[][] = [];
    for (const shard of ["0/2", "1/2"]) {
      const dir = tempDir();
      const before = new Set(target.writes.keys());
      reports.push(
        await migrate(
          options(source, target, dir, { shard: parseShard(shard), identity: { ...identity, shard } }),
        ),
      );
      written.push([...target.writes.keys()].filter((id) => !before.has(id)));
    }
    expect(reports[0]!.copied + reports[1]!.copied).toBe(300);
    expect(reports[0]!.skippedShard).toBe(reports[1]!.copied);
    expect(target.writeCount).toBe(300);
    expect(await allNodes(store)).toEqual(nodes);
    for (const [shard, ids] of written.entries()) for (const id of ids) expect(shardOf(id, 2)).toBe(shard);
  });

  it("shard numbers are u32be(md5(id)[0..4]) % N", () => {
    const id = "abc";
    expect(shardOf(id, 7)).toBe(Number.parseInt(md5(id).slice(0, 8), 16) % 7);
    expect(() => parseShard("2/2")).toThrow(CliError);
    expect(() => parseShard("1-2")).toThrow(CliError);
  });

  it("counts vanished ids, writes corrupt and refused ids to the failed-ids file and goes on", async () => {
    const { backend: memory } = await seededMemory(50);
    const source = new InstrumentedBackend(memory);
    const ids = [...(await allNodes(memory)).keys()];
    source.vanish.add(ids[0]!);
    const corruptId = ids[1]!;
    const refusedId = ids[2]!;
    const getBytesMulti = async (list: readonly string[]) => {
      const out = new Map<string, Uint8Array | null | CorruptNodeError>();
      for (const id of list) {
        out.set(
          id,
          id === corruptId
            ? new CorruptNodeError("zlib", "bad stream").withContext(id, "test")
            : await source.getBytes(id),
        );
      }
      return out;
    };
    const target = new InstrumentedBackend(new MemoryBackend());
    target.failWrites = (id) => (id === refusedId ? new InvalidIdError(id, "test refusal") : undefined);
    const dir = tempDir();
    const report = await migrate(options(Object.assign(source, { getBytesMulti }), target, dir));
    expect(report).toMatchObject({ listed: 50, copied: 47, vanished: 1, failed: 2 });
    const lines = readFileSync(join(dir, "failed.tsv"), "utf8").trim().split("\n").sort();
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.startsWith(`${corruptId}\tcorrupt:`))).toBeDefined();
    expect(lines.find((l) => l.startsWith(`${refusedId}\twrite:`))).toBeDefined();
    expect(report.failedIdsFile).toBe(join(dir, "failed.tsv"));
  });

  it("verify reports mismatches; --delete-source deletes only verified nodes", async () => {
    const { backend: source } = await seededMemory(40);
    const ids = [...(await allNodes(source)).keys()];
    const target = new InstrumentedBackend(new MemoryBackend());
    target.transform = (id, bytes) => (id === ids[5] ? Buffer.from("{}") : bytes);
    const dir = tempDir();
    const report = await migrate(options(source, target, dir, { verify: true, deleteSource: true }));
    expect(report).toMatchObject({ copied: 40, verified: 39, mismatched: 1, failed: 1, deletedSource: 39 });
    expect([...(await allNodes(source)).keys()]).toEqual([ids[5]]);
    expect(readFileSync(join(dir, "failed.tsv"), "utf8")).toMatch(
      new RegExp(`^${ids[5]}\tverify: target bytes differ`),
    );
  });

  it("refuses --delete-source without --verify", async () => {
    await expect(
      migrate(options(new MemoryBackend(), new MemoryBackend(), tempDir(), { deleteSource: true })),
    ).rejects.toThrow(/needs --verify/);
  });

  it("stops with exit 3 when a store stays unavailable, keeping the checkpoint; --resume finishes", async () => {
    const { backend: source, nodes } = await seededMemory(100);
    const store = new MemoryBackend();
    const target = new InstrumentedBackend(store);
    let batches = 0;
    target.failBatches = () =>
      ++batches > 3 ? new BackendUnavailableError("test", "connection refused") : undefined;
    const dir = tempDir();
    const opts = options(source, target, dir, { concurrency: 1 });
    const error = await migrate(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe(EXIT.unavailable);
    expect(readCheckpoint(opts.checkpointPath)!.counts.copied).toBe(30);
    target.failBatches = undefined;
    const report = await migrate({ ...opts, resume: true });
    expect(report.copied).toBe(100);
    expect(report.copiedThisRun).toBe(70);
    expect(await allNodes(store)).toEqual(nodes);
  });

  it("stops taking pages when aborted and resumes later", async () => {
    const { backend: source, nodes } = await seededMemory(200);
    const store = new MemoryBackend();
    const target = new InstrumentedBackend(store);
    const controller = new AbortController();
    target.failBatches = () => {
      if (target.writeCount >= 50) controller.abort();
      return undefined;
    };
    const dir = tempDir();
    const opts = options(source, target, dir, { signal: controller.signal });
    const first = await migrate(opts);
    expect(first.interrupted).toBe(true);
    expect(first.complete).toBe(false);
    const second = await migrate({ ...opts, signal: undefined, resume: true });
    expect(second.complete).toBe(true);
    expect(second.copied).toBe(200);
    expect(target.writeCount).toBe(200);
    expect(await allNodes(store)).toEqual(nodes);
  });

  it("dry run lists and counts but writes nothing, not even a checkpoint", async () => {
    const { backend: source } = await seededMemory(30);
    const target = new InstrumentedBackend(new MemoryBackend());
    const dir = tempDir();
    const report = await migrate(
      options(source, target, dir, {
        dryRun: true,
        shard: parseShard("0/3"),
        identity: { ...identity, shard: "0/3" },
      }),
    );
    expect(report.wouldCopy! + report.skippedShard).toBe(30);
    expect(report.copied).toBe(0);
    expect(target.writeCount).toBe(0);
    expect(readCheckpoint(join(dir, "cp.json"))).toBeUndefined();
  });

  it("remaps event nodes of OLD projects and copies the rest unchanged", async () => {
    const source = new MemoryBackend();
    const a = eventNode(3);
    const b = eventNode(4);
    await source.setBytes(a.id, a.bytes);
    await source.setBytes(b.id, b.bytes);
    await source.setBytes("other", Buffer.from('{"_ref":3}'));
    const target = new MemoryBackend();
    const dir = tempDir();
    const report = await migrate(
      options(source, target, dir, {
        remap: new Map([["3", "7"]]),
        identity: { ...identity, remap: [["3", "7"]] },
        verify: true,
        deleteSource: true,
      }),
    );
    expect(report).toMatchObject({
      copied: 3,
      remapped: 1,
      unchangedByRemap: 2,
      verified: 3,
      deletedSource: 3,
    });
    const out = await allNodes(target);
    expect([...out.keys()].sort()).toEqual([md5(`7:${a.eventId}`), b.id, "other"].sort());
    expect(out.get(md5(`7:${a.eventId}`))!.toString("latin1")).toBe(
      Buffer.from(a.bytes).toString("latin1").replace('"_ref":3,', '"_ref":7,'),
    );
  });

  it("an in-place remap (same store) moves only the remapped nodes", async () => {
    const store = new MemoryBackend();
    const a = eventNode(3);
    const b = eventNode(4);
    await store.setBytes(a.id, a.bytes);
    await store.setBytes(b.id, b.bytes);
    const report = await migrate(
      options(store, store, tempDir(), {
        remap: new Map([["3", "7"]]),
        identity: { ...identity, to: identity.from, remap: [["3", "7"]] },
        sameStore: true,
        verify: true,
        deleteSource: true,
      }),
    );
    expect(report).toMatchObject({ remapped: 1, unchangedByRemap: 1, deletedSource: 1 });
    expect([...(await allNodes(store)).keys()].sort()).toEqual([md5(`7:${a.eventId}`), b.id].sort());
  });
});

async function scanOrder(backend: NodeBackend): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of backend.scan!({ pageSize: 1000 }))
    for (const node of page.nodes) ids.push(node.id);
  return ids;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 2));
  }
}
