export { S3Backend } from "./backend.js";
export { decodeBody, type EncodedBody, encodeBody } from "./body.js";
export type { LifecycleChange } from "./bucket.js";
export type { S3CleanupOptions, S3CleanupProgress, S3CleanupResult } from "./cleanup.js";
export {
  addContentMd5,
  type ChecksumSetting,
  createS3Client,
  MAX_RETRY_DELAY_MS,
  retryDelayMs,
  type S3ClientOptions,
  type S3Credentials,
  S3RetryStrategy,
} from "./client.js";
export { type DeleteFailure, S3DeleteError } from "./delete.js";
export {
  idForKey,
  type KeyLayout,
  type KeyMatch,
  keyProblem,
  keysFor,
  LEGACY_ID,
  MAX_KEY_BYTES,
  primaryKey,
  shardedId,
} from "./keys.js";
export { LIFECYCLE_RULE_ID, type LifecyclePlan, nodestoreRule, planLifecycle } from "./lifecycle.js";
export type { S3BackendOptions } from "./options.js";
export {
  createS3PassthroughDjangoStore,
  createS3Store,
  type S3PassthroughDjangoOptions,
} from "./preset.js";
export {
  fromSentryOptions,
  type SentryS3NodestoreOptions,
  type TranslatedOptions,
} from "./python-options.js";
export { MAX_LIST_KEYS, type S3ScanOptions } from "./scan.js";
export { optionsFromUrl, storeUrl } from "./url.js";
