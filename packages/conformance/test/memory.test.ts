import { createMemoryStore, createPassthroughStore, MemoryBackend, type NodeStore } from "@nodestore/core";
import { type CorruptionCase, type FaultHooks, runConformanceSuite } from "../src/index.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * The memory backend keeps the encoded bytes as they are: its only layer is the JSON framing. Damage is written
 * straight into the backend (both sides of a passthrough), bypassing the store's checks.
 */
async function rawWrite(store: NodeStore, id: string, bytes: Uint8Array): Promise<void> {
  const backend = store.backend as { primary?: MemoryBackend; secondary?: MemoryBackend } & MemoryBackend;
  const targets = backend.primary ? [backend.primary, backend.secondary!] : [backend];
  await Promise.all(targets.map((b) => b.setBytes(id, bytes)));
}

const corruptions: CorruptionCase[] = [
  { name: "bytes that are not JSON", expect: "json", corrupt: (id, s) => rawWrite(s, id, utf8("not json")) },
  { name: "JSON cut short", expect: "json", corrupt: (id, s) => rawWrite(s, id, utf8('{"message":"hel')) },
  { name: "empty bytes", expect: "missing", corrupt: (id, s) => rawWrite(s, id, new Uint8Array(0)) },
];

/** In-process: no network to cut (transport "none"), and every well-formed string is stored exactly. */
const faults: FaultHooks = { transport: "none", corruptions, unstorableIds: [] };

runConformanceSuite({ name: "memory", createStore: () => createMemoryStore(), faults });

runConformanceSuite({
  name: "passthrough(memory, memory), every flag on",
  createStore: () =>
    createPassthroughStore({
      primary: new MemoryBackend(),
      secondary: new MemoryBackend(),
      readThrough: true,
      writeThrough: true,
      deleteThrough: true,
    }),
  faults,
  // A passthrough is two stores during a move, not a backend: list (and migrate) each side by its own URL.
  skip: ["scan"],
});

runConformanceSuite({
  name: "passthrough(memory, memory), no flags",
  createStore: () => createPassthroughStore({ primary: new MemoryBackend(), secondary: new MemoryBackend() }),
  faults,
  skip: ["scan"],
});
