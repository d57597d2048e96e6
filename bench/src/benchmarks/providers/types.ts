import type { NodeBackend, NodeStore } from "@nodestore/core";
import type { EmbeddedServers } from "@nodestore/services";
import type { ComparisonTarget, ProviderTarget, StorageResult } from "../../report/schema.js";
import type { BenchCorpus } from "./corpus.js";
import type { ResolvedOptions } from "./options.js";

/** One backend, set up against its server and ready to be measured. */
export interface ProviderInstance {
  readonly target: ProviderTarget;
  readonly store: NodeStore;
  readonly backend: NodeBackend;
  /** Requests sent to the server so far (cumulative). null: not countable. Memory: always 0. */
  requests(): number | null;
  /**
   * Bytes the store holds for `ids`, which were just written into an otherwise empty namespace (table, prefix).
   * Measured from the store, never computed from the codec.
   */
  measureStorage(ids: readonly string[], logicalBytes: number): Promise<StorageResult>;
  /** Bare-client baselines for the issues' fair comparisons. */
  readonly baselines?: Baselines;
  /**
   * A store over another, empty namespace `name` (a second table, prefix, Map) of the same server and client,
   * created on first use and removed by `dispose()`. The delete and cleanup scenarios run there: cleanup deletes
   * everything older than the cutoff, so each run must start from nothing.
   */
  scratchStore?(name: string): Promise<NodeStore>;
  /**
   * Nodes written by the runs are not removed between runs: the bench throws the whole server away at the end
   * (embedded s3rver, whose deletes read the whole directory each). Otherwise each run's nodes are deleted,
   * untimed, after it.
   */
  readonly keepWrites?: boolean;
  /** Why `cleanup` is not measured (e.g. not supported by this backend). */
  readonly cleanupUnsupported?: string;
  /** What to know when reading this provider's figures (e.g. a baseline that could not run, and why). */
  readonly notes?: readonly string[];
  /** Said next to the cleanup figures, e.g. "listingCleanup: true (opt-in)". */
  readonly cleanupNote?: string;
  /** Extra comparisons that need no baseline run (e.g. issue #5's request count of deleteMulti(1000)). */
  readonly checks?: readonly CheckSpec[];
  /** Removes everything the bench wrote (schema, bucket, prefix) and closes clients. */
  dispose(): Promise<void>;
}

export interface Baselines {
  /** Write baselines, each paired with setSubkeys at every ingest concurrency and compared with it. */
  readonly set?: readonly WriteBaseline[];
  /** Read baselines, each paired with getMulti(100) and compared with it. */
  readonly getMulti?: readonly ReadBaseline[];
}

/** What every baseline says about itself. */
export interface BaselineInfo {
  readonly issue: number;
  /** Scenario id (write baselines: its prefix, "bare-s3-put" -> "bare-s3-put-c8", …). */
  readonly id: string;
  /** Comparison id (write baselines: its prefix, "issue-5-set" -> "issue-5-set-c8", …). */
  readonly comparisonId: string;
  /** Short name in titles, e.g. "bare PutObject loop", "the Python plugin's get_multi". */
  readonly label: string;
  readonly description: string;
  readonly target: ComparisonTarget | null;
  readonly note?: string;
}

export interface WriteBaseline extends BaselineInfo {
  /** Only at these ingest concurrencies (default: all); e.g. 1 for a baseline that serves one call at a time. */
  readonly concurrencies?: readonly number[];
  /** Writes event `index` as node `id` the baseline way. */
  write(id: string, index: number): Promise<void>;
}

export interface ReadBaseline extends BaselineInfo {
  /** Reads these nodes the baseline way; returns how many were found. */
  read(ids: readonly string[]): Promise<number>;
}

export interface CheckSpec {
  readonly id: string;
  readonly issue: number;
  readonly title: string;
  /** The scenario whose requestsPerOp is checked. */
  readonly scenario: string;
  readonly metric: "requestsPerOp";
  readonly target: ComparisonTarget;
  readonly baselineDescription: string;
  readonly baselineValue: number | null;
  readonly note?: string;
}

export interface SetupContext {
  readonly options: ResolvedOptions;
  readonly corpus: BenchCorpus;
  /** Short random tag of this run: schema, bucket and prefix names include it. */
  readonly runTag: string;
  /** Starts (once) and returns the embedded servers the bench manages; the bench stops them. */
  readonly embedded: Pick<EmbeddedServers, "postgres" | "s3">;
  readonly log: (line: string) => void;
}

export type SetupOutcome = ProviderInstance | { readonly skip: string };

export interface ProviderFactory {
  readonly name: string;
  readonly packageName: string;
  setup(ctx: SetupContext): Promise<SetupOutcome>;
}
