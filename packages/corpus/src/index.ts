export { generateCorpus } from "./generate.js";
export { nodeId, normalizeEventId } from "./ids.js";
export { sentryEncode, sentryJsonDumps } from "./json.js";
export { loadCorpus, toCorpusEvent } from "./load.js";
export { createRng, hash32, mulberry32, type Rng } from "./prng.js";
export { type CorpusStats, corpusStats, encodedSize, toJsonl } from "./stats.js";
export type { CorpusEvent, CorpusMix, GenerateOptions } from "./types.js";
