import type { BenchSettings, StorageResult } from "../../../report/schema.js";
import { type BenchCorpus, nodeIdFor } from "../corpus.js";
import type { ProviderInstance } from "../types.js";
import { errorMessage } from "../util.js";

export interface SizingSet {
  readonly readIds: string[];
  readonly readSizes: number[];
  /** null: the measurement failed (said in `errors`). */
  readonly storage: StorageResult | null;
}

/**
 * Bytes stored per node: the sizing set is written once (which also warms connections), then measured from the
 * store, never computed from the codec. The read workloads read it afterwards.
 */
export async function writeAndMeasureSizingSet(
  instance: ProviderInstance,
  corpus: BenchCorpus,
  settings: BenchSettings,
  runTag: string,
  errors: string[],
): Promise<SizingSet> {
  const n = corpus.events.length;
  const readIds: string[] = [];
  const readSizes: number[] = [];
  let logical = 0;
  for (let k = 0; k < settings.sizingNodes; k++) {
    readIds.push(nodeIdFor(`${runTag}-size`, k));
    readSizes.push(corpus.sizes[k % n]!);
    logical += corpus.sizes[k % n]!;
  }
  await inParallel(settings.sizingNodes, 8, async (k) => {
    const e = corpus.events[k % n]!;
    await instance.store.setSubkeys(readIds[k]!, { main: e.main, subkeys: e.subkeys });
  });
  let storage: StorageResult | null = null;
  try {
    storage = await instance.measureStorage(readIds, logical);
  } catch (error) {
    errors.push(`storage measurement failed: ${errorMessage(error)}`);
  }
  return { readIds, readSizes, storage };
}

async function inParallel(
  count: number,
  concurrency: number,
  fn: (k: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
