export type {
  CleanupOptions,
  CleanupProgress,
  CleanupResult,
  NodeBackend,
  ScannedNode,
  ScanOptions,
  ScanPage,
  Ttl,
} from "./backend.js";
export { deleteMany, getBytesMany, setBytesMany } from "./batch.js";
export { chunks, defaultRetryPolicy, mapLimit, type RetryPolicy, withRetries } from "./concurrency.js";
export * from "./errors.js";
export * from "./format/index.js";
export {
  eventNodeId,
  groupForecastNodeId,
  type IdRules,
  issueOccurrenceNodeId,
  normalizeEventId,
  spanNodeId,
  unprocessedEventNodeId,
  validateNodeId,
  versionedSpanNodeId,
} from "./ids.js";
export {
  createMemoryStore,
  MemoryBackend,
  type MemoryBackendOptions,
  storeUrl as memoryStoreUrl,
} from "./memory.js";
export { isNetworkError } from "./network.js";
export { positiveInt } from "./options.js";
export { createPassthroughStore, PassthroughBackend, type PassthroughOptions } from "./passthrough.js";
export { inScanWindow, scanNodes, scanPageSize } from "./scan.js";
export {
  CorruptNode,
  createNodeStore,
  LegacyPickleNode,
  type NodeObject,
  type NodeReadResult,
  NodeStore,
  type NodeStoreOptions,
  type NodeSubkeys,
  type NodeWrite,
} from "./store.js";
export {
  parseStoreUrl,
  redactUrl,
  type StoreEnv,
  type StoreUrlHandler,
  storeUrlParams,
  urlBool,
  urlInt,
} from "./url.js";
