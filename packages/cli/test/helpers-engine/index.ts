import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  encodeNodeData,
  MemoryBackend,
  type NodeBackend,
  type ScanOptions,
  type ScanPage,
  type Ttl,
} from "@nodestore/core";
import type { CliIo } from "../../src/context.js";

export const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

export function tempDir(prefix = "nodestore-engine-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A CliIo over PassThrough streams, with the text written to each. */
export function testIo(cwd: string, signal: AbortSignal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const io: CliIo = { env: {}, cwd, stdout, stderr, signal, interactive: false };
  return {
    io,
    stdout: () => Buffer.concat(out).toString("utf8"),
    stdoutBytes: () => Buffer.concat(out),
    stderr: () => Buffer.concat(err).toString("utf8"),
  };
}

/** An event node as Sentry writes it, with a subkey, for project `project`. */
export function eventNode(project: number, eventId = randomBytes(16).toString("hex")) {
  const bytes = encodeNodeData(
    {
      _ref: project,
      _ref_version: 2,
      event_id: eventId,
      message: "hé \u2603 1.0",
      level: 1.5,
      tags: [["a", "b"]],
    },
    [["unprocessed", { x: [1, 2, 3], y: "z" }]],
  );
  return { id: md5(`${project}:${eventId}`), eventId, bytes };
}

/** A memory backend holding `count` nodes (random ids and bytes, a few event nodes). */
export async function seededMemory(
  count: number,
): Promise<{ backend: MemoryBackend; nodes: Map<string, Buffer> }> {
  const backend = new MemoryBackend();
  const nodes = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const event = i % 10 === 0 ? eventNode(3) : undefined;
    const id = event?.id ?? md5(`node-${i}`);
    const bytes = Buffer.from(event?.bytes ?? `{"n":${i},"pad":"${"x".repeat(i % 50)}"}`);
    nodes.set(id, bytes);
    await backend.setBytes(id, bytes);
  }
  return { backend, nodes };
}

/**
 * Wraps a backend: counts writes per id, and can delay, hang or fail calls. `hangAfterWrites`: once that many
 * nodes were written, every further write never settles (a process killed mid-batch).
 */
export class InstrumentedBackend implements NodeBackend {
  readonly name: string;
  readonly writes = new Map<string, number>();
  writeCount = 0;
  hangAfterWrites = Number.POSITIVE_INFINITY;
  /** Random delay (ms) before each batch write: pages finish out of order. */
  jitterMs = 0;
  /** A batch holding one of these ids waits until the writes hang: a slow page that later pages overtake. */
  readonly holdIds = new Set<string>();
  private releaseHeld: () => void = () => {};
  private readonly held = new Promise<void>((resolve) => {
    this.releaseHeld = resolve;
  });
  failWrites: ((id: string) => Error | undefined) | undefined;
  failBatches: (() => Error | undefined) | undefined;
  transform: ((id: string, bytes: Uint8Array) => Uint8Array) | undefined;
  readonly vanish = new Set<string>();

  constructor(readonly inner: NodeBackend) {
    this.name = `instrumented-${inner.name}`;
  }

  getBytes(id: string): Promise<Uint8Array | null> {
    if (this.vanish.has(id)) return Promise.resolve(null);
    return this.inner.getBytes(id);
  }

  async setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void> {
    await this.setBytesMulti([[id, bytes]], ttl);
  }

  async setBytesMulti(entries: ReadonlyArray<readonly [string, Uint8Array]>, ttl?: Ttl): Promise<void> {
    if (this.jitterMs > 0) await new Promise((r) => setTimeout(r, Math.random() * this.jitterMs));
    if (entries.some(([id]) => this.holdIds.has(id))) await this.held;
    const batchError = this.failBatches?.();
    if (batchError) throw batchError;
    for (const [id] of entries) {
      const error = this.failWrites?.(id);
      if (error) throw error;
    }
    for (const [id, bytes] of entries) {
      if (this.writeCount >= this.hangAfterWrites) await new Promise(() => {});
      this.writeCount++;
      if (this.writeCount >= this.hangAfterWrites) this.releaseHeld();
      this.writes.set(id, (this.writes.get(id) ?? 0) + 1);
      await this.inner.setBytes(id, this.transform ? this.transform(id, bytes) : bytes, ttl);
    }
  }

  delete(id: string): Promise<void> {
    return this.inner.delete(id);
  }

  scan(options?: ScanOptions): AsyncIterable<ScanPage> {
    return this.inner.scan!(options);
  }
}

export async function allNodes(backend: NodeBackend): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const page of backend.scan!({ pageSize: 1000 })) {
    for (const node of page.nodes) {
      const bytes = await backend.getBytes(node.id);
      if (bytes) out.set(node.id, Buffer.from(bytes));
    }
  }
  return out;
}
