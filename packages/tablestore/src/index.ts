import { NodeStore, type NodeStoreOptions } from "@nodestore/core";
import { TablestoreBackend } from "./backend.js";
import type { TablestoreOptions } from "./options.js";

export { TablestoreBackend } from "./backend.js";
export type { BatchFailureError, RowFailure } from "./errors.js";
export { LIMITS, type TablestoreOptions } from "./options.js";
export { FLAGS } from "./row.js";
export type { BootstrapResult } from "./table.js";
export { storeUrl } from "./url.js";

/** A NodeStore over a sentry-tablestore table. */
export function createTablestoreStore(options: TablestoreOptions & NodeStoreOptions): NodeStore {
  return new NodeStore(new TablestoreBackend(options), options);
}
