/**
 * From an SDK payload to what Sentry writes to nodestore: Relay's normalisation (ingest fields,
 * pair lists, context types, PII scrubbing with `_meta`, processing `errors`), the event
 * manager's fields (`_ref`, `_ref_version`, `hashes`, `metadata`, `title`, `culprit`, ...,
 * `nodestore_insert`) and, for reprocessable error events, the `unprocessed` subkey (the
 * event before JavaScript source-map processing). Every value the SDK derived from the clock or
 * from `crypto.randomUUID` is replaced here with values drawn from the seeded PRNG; the stages
 * draw from it in a fixed order, so the corpus bytes depend on that order.
 */
export type { StoredEvent, StoredInput } from "./shared.js";
export { toStored } from "./to-stored.js";
