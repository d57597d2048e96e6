import { NodeStore, type NodeStoreOptions } from "@nodestore/core";
import { DjangoPgBackend, type DjangoPgOptions } from "./backend.js";

export { DjangoPgBackend, type DjangoPgOptions, type TableSize } from "./backend.js";

/** A NodeStore over Sentry's `nodestore_node` table. */
export function djangoPgStore(options: DjangoPgOptions & NodeStoreOptions): NodeStore {
  return new NodeStore(new DjangoPgBackend(options), options);
}
