import { createHash } from "node:crypto";
import { encodeNodeData } from "@nodestore/core";
import { type CorpusEvent, generateCorpus, loadCorpus } from "@nodestore/corpus";
import type { CorpusInfo } from "../../report/schema.js";
import { median, percentileSorted } from "./stats.js";

/** The events, and everything a workload needs about them, computed once outside the timed loops. */
export interface BenchCorpus {
  readonly info: CorpusInfo;
  readonly events: readonly CorpusEvent[];
  /** `encodeNodeData(main, subkeys)` per event: the logical bytes, and what bare baselines write (compressed). */
  readonly encoded: readonly Uint8Array[];
  readonly sizes: readonly number[];
  /** Derived per-event forms (e.g. the Django `data` string), computed once per form. */
  derived<T>(key: string, make: (encoded: Uint8Array, index: number) => T): readonly T[];
}

export async function prepareCorpus(opts: {
  path?: string;
  count: number;
  seed: number;
}): Promise<BenchCorpus> {
  const events = opts.path
    ? await loadCorpus(opts.path)
    : await generateCorpus({ seed: opts.seed, count: opts.count });
  if (events.length === 0) throw new Error(`the corpus${opts.path ? ` at ${opts.path}` : ""} is empty`);
  const encoded = events.map((e) => encodeNodeData(e.main, e.subkeys));
  const sizes = encoded.map((b) => b.byteLength);
  const sorted = [...sizes].sort((a, b) => a - b);
  const total = sizes.reduce((a, b) => a + b, 0);
  const cache = new Map<string, unknown[]>();
  return {
    info: {
      source: opts.path ? "file" : "generated",
      path: opts.path ?? null,
      seed: opts.path ? null : opts.seed,
      events: events.length,
      errors: events.filter((e) => e.kind === "error").length,
      transactions: events.filter((e) => e.kind === "transaction").length,
      withSubkeys: events.filter((e) => e.subkeys.length > 0).length,
      logicalBytes: total,
      bytesPerEvent: {
        min: sorted[0]!,
        median: median(sorted),
        p90: percentileSorted(sorted, 0.9),
        max: sorted.at(-1)!,
        mean: total / sizes.length,
      },
    },
    events,
    encoded,
    sizes,
    derived<T>(key: string, make: (encoded: Uint8Array, index: number) => T): readonly T[] {
      let hit = cache.get(key);
      if (!hit) {
        hit = encoded.map(make);
        cache.set(key, hit);
      }
      return hit as T[];
    },
  };
}

/**
 * Fresh node ids shaped like Sentry's (32 hex characters, md5), distinct per run: `md5("<tag>:<seq>")`.
 * Every run writes new nodes, as ingestion does.
 */
export function nodeIdFor(tag: string, seq: number): string {
  return createHash("md5").update(`${tag}:${seq}`).digest("hex");
}
