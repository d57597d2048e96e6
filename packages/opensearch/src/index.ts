import { NodeStore, type NodeStoreOptions } from "@nodestore/core";
import { OpenSearchBackend } from "./backend.js";
import type { OpenSearchBackendOptions } from "./options.js";

export { MAX_ID_BYTES, OpenSearchBackend } from "./backend.js";
export type { OpenSearchCleanupResult } from "./cleanup.js";
export {
  createOpenSearchClient,
  DEFAULT_MAINTENANCE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type OpenSearchClientOptions,
} from "./client.js";
export { documentFor, pythonUtcIso } from "./documents.js";
export { ENV as PYTHON_ENV, type PythonEnvSettings, readPythonEnv } from "./env.js";
export { type DocumentFailure, OpenSearchBulkError, OpenSearchFailure } from "./errors.js";
export { DEFAULT_INDEX, type IndexNaming, indexNaming, utcDay } from "./indices.js";
export { DEFAULT_MAX_VALUE_BYTES, type OpenSearchBackendOptions } from "./options.js";
export {
  compareTemplate,
  DATA_MAPPING,
  type IndexTemplateBody,
  type TemplateDifference,
  type TemplateReport,
  templateBody,
} from "./template.js";
export { optionsFromUrl, storeUrl } from "./url.js";

/** A NodeStore over OpenSearch daily indices in sentry-opensearch-nodestore's layout. */
export function createOpenSearchStore(options: OpenSearchBackendOptions & NodeStoreOptions): NodeStore {
  return new NodeStore(new OpenSearchBackend(options), options);
}
