import type { NodeStore } from "@nodestore/core";
import type { BenchSettings } from "../../../report/schema.js";
import { type BenchCorpus, nodeIdFor } from "../corpus.js";
import type { ProviderInstance } from "../types.js";

/** What every workload of one provider shares. */
export interface WorkloadContext {
  readonly name: string;
  readonly instance: ProviderInstance;
  readonly store: NodeStore;
  readonly corpus: BenchCorpus;
  readonly settings: BenchSettings;
  readonly runTag: string;
  /** The sizing set (see sizing.ts): nodes the read and mixed workloads read, and their logical sizes. */
  readonly readIds: readonly string[];
  readonly readSizes: readonly number[];
  /** Problems reported with the provider; a scenario that hits one may still complete. */
  readonly errors: string[];
  /** A tag no run has used: every run writes new node ids, as ingestion does. */
  freshTag(): string;
  /** Deletes (untimed) what a run wrote, so every run sees the same namespace: the sizing set. */
  removeWritten(ids: readonly string[]): Promise<void>;
  /** The provider's scratch namespace `key` (the main store when it has none), created once. */
  scratchStore(key: string): Promise<NodeStore>;
  /** Writes `count` corpus events under fresh ids of `tag` into `into`, untimed; returns the ids. */
  topUp(into: NodeStore, count: number, tag: string): Promise<string[]>;
}

export function workloadContext(base: {
  name: string;
  instance: ProviderInstance;
  corpus: BenchCorpus;
  settings: BenchSettings;
  runTag: string;
  readIds: readonly string[];
  readSizes: readonly number[];
  errors: string[];
}): WorkloadContext {
  const { instance, corpus, runTag } = base;
  const { store } = instance;
  let runCounter = 0;
  const scratch = new Map<string, Promise<NodeStore>>();
  return {
    ...base,
    store,
    freshTag: () => `${runTag}-r${runCounter++}`,
    async removeWritten(ids) {
      if (instance.keepWrites) return;
      for (let i = 0; i < ids.length; i += 1000) await store.deleteMulti(ids.slice(i, i + 1000));
    },
    scratchStore(key) {
      let got = scratch.get(key);
      if (!got) {
        got = instance.scratchStore ? instance.scratchStore(key) : Promise.resolve(store);
        scratch.set(key, got);
      }
      return got;
    },
    async topUp(into, count, tag) {
      const entries: Array<[string, Uint8Array]> = [];
      for (let k = 0; k < count; k++)
        entries.push([nodeIdFor(tag, k), corpus.encoded[k % corpus.events.length]!]);
      await into.setBytesMulti(entries);
      return entries.map(([id]) => id);
    },
  };
}
