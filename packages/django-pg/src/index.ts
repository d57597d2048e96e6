import { NodeStore, type NodeStoreOptions } from "@nodestore/core";
import { DjangoPgBackend } from "./backend.js";
import type { DjangoPgOptions } from "./options.js";

export { DjangoPgBackend, type TableSize } from "./backend.js";
export type { DjangoPgOptions } from "./options.js";
export { SCAN_PAGE_LIMIT } from "./scan.js";
export { optionsFromUrl, storeUrl } from "./url.js";

/** A NodeStore over Sentry's `nodestore_node` table. */
export function createDjangoPgStore(options: DjangoPgOptions & NodeStoreOptions): NodeStore {
  return new NodeStore(new DjangoPgBackend(options), options);
}
