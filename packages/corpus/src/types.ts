export type CorpusEvent = {
  /** Node id: md5 hex of `${projectId}:${eventId}` (what Sentry uses as the nodestore key). */
  id: string;
  projectId: number;
  /** 32 lowercase hex characters, no dashes. */
  eventId: string;
  kind: "error" | "transaction";
  /** The main payload, as Sentry passes it to `nodestore.set_subkeys(id, {None: main, ...})`. */
  main: Record<string, unknown>;
  /** Named subkeys in insertion order; in practice only `"unprocessed"`. */
  subkeys: Array<[string, unknown]>;
};

export type CorpusMix = {
  /** Share of transaction events (default 0.35). */
  transactions?: number;
  /** Share of error events that carry the `unprocessed` subkey (default 0.2). */
  unprocessed?: number;
  /** Share of events in the small (1-5 KB) and large (40 KB to maxKB) size classes; the rest is 5-40 KB (defaults 0.08 and 0.12). */
  small?: number;
  large?: number;
  /** Upper bound for one event's encoded size, main + subkeys (default 200 KB). */
  maxKB?: number;
};

export type GenerateOptions = {
  /** PRNG seed (default 1). The same seed, count, mix and versions give the same corpus byte for byte. */
  seed?: number;
  count: number;
  mix?: CorpusMix;
};
