export {
  type DeleteFailure,
  type LifecycleChange,
  S3Backend,
  type S3BackendOptions,
  type S3CleanupOptions,
  type S3CleanupProgress,
  type S3CleanupResult,
  S3DeleteError,
} from "./backend.js";
export { decodeBody, type EncodedBody, encodeBody } from "./body.js";
export {
  addContentMd5,
  type ChecksumSetting,
  createS3Client,
  type S3ClientOptions,
  type S3Credentials,
} from "./client.js";
export { type KeyLayout, keyProblem, keysFor, MAX_KEY_BYTES, primaryKey, shardedId } from "./keys.js";
export { LIFECYCLE_RULE_ID, type LifecyclePlan, nodestoreRule, planLifecycle } from "./lifecycle.js";
export { type S3PassthroughDjangoOptions, s3PassthroughDjangoStore, s3Store } from "./preset.js";
export {
  fromSentryOptions,
  type SentryS3NodestoreOptions,
  type TranslatedOptions,
} from "./python-options.js";
