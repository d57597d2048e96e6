import { MemoryBackend, NodeStore, type Ttl } from "@nodestore/core";
import type { ProviderFactory } from "../types.js";
import { storageResult } from "../util.js";

/** MemoryBackend keeping a ledger of the byte length it holds per id, so storage is read from the store. */
class MeasuredMemoryBackend extends MemoryBackend {
  readonly held = new Map<string, number>();
  override async setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void> {
    await super.setBytes(id, bytes, ttl);
    this.held.set(id, bytes.byteLength);
  }
  override async delete(id: string): Promise<void> {
    await super.delete(id);
    this.held.delete(id);
  }
}

export const memoryProvider: ProviderFactory = {
  name: "memory",
  packageName: "@nodestore/core",
  async setup() {
    const backend = new MeasuredMemoryBackend();
    const store = new NodeStore(backend);
    return {
      target: {
        kind: "memory",
        version: null,
        source: "in-process",
        endpoint: null,
        description: `in-process Map (@nodestore/core MemoryBackend, Node ${process.version}), no I/O`,
      },
      store,
      backend,
      requests: () => 0,
      scratchStore: async () => new NodeStore(new MeasuredMemoryBackend()),
      async measureStorage(ids, logicalBytes) {
        let stored = 0;
        for (const id of ids) stored += backend.held.get(id) ?? 0;
        return storageResult(
          ids.length,
          logicalBytes,
          stored,
          "byte length of the Uint8Array copies the Map holds (encoded bytes, uncompressed; JS object and Map overhead not counted)",
          { entries: backend.size },
        );
      },
      async dispose() {
        await store.close();
      },
    };
  },
};
