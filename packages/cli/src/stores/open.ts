import {
  type NodeBackend,
  NodeStore,
  NodestoreError,
  parseStoreUrl,
  redactUrl,
  type StoreEnv,
} from "@nodestore/core";
import { CliError, EXIT } from "../exit-codes.js";
import { handlerFor } from "./backends.js";
import type { CliConfig } from "./config.js";

/** A store the CLI opened: its backend, a store over it, and a label safe to print (no secrets). */
export interface OpenedStore {
  readonly backend: NodeBackend;
  readonly store: NodeStore;
  readonly label: string;
  close(): Promise<void>;
}

/**
 * `spec` is a store URL (`postgres://…`, `s3://…`, `opensearch://…`, `tablestore://…`, `memory:`) or the name of
 * a store in the config file.
 */
export async function openStore(
  spec: string,
  config: CliConfig | undefined,
  env: StoreEnv,
): Promise<OpenedStore> {
  let urlText = spec;
  let options: Readonly<Record<string, unknown>> | undefined;
  let label: string | undefined;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(spec)) {
    const named = config?.stores[spec];
    if (named === undefined) {
      const known = config ? Object.keys(config.stores).join(", ") || "none" : "no config file found";
      throw new CliError(`"${spec}" is neither a store URL nor a store in the config (${known})`, EXIT.usage);
    }
    urlText = named.url;
    options = named.options;
    label = spec;
  }
  const named = label === undefined ? "" : `store "${label}": `;
  let url: URL;
  try {
    url = parseStoreUrl(urlText);
  } catch (error) {
    throw new CliError(`${named}${(error as Error).message}`, EXIT.usage);
  }
  const handler = await handlerFor(url.protocol.slice(0, -1).toLowerCase());
  let backend: NodeBackend;
  try {
    backend = handler.open(url, env, options);
  } catch (error) {
    if (error instanceof NodestoreError || error instanceof RangeError || error instanceof TypeError) {
      // Backends' messages already start with the redacted URL; don't say it twice.
      const message = firstLine((error as Error).message);
      const where = redactUrl(url);
      throw new CliError(
        message.startsWith(where) ? `${named}${message}` : `${named || `${where}: `}${message}`,
        EXIT.usage,
      );
    }
    throw error;
  }
  const store = new NodeStore(backend);
  return {
    backend,
    store,
    label: label ?? redactUrl(url),
    close: () => store.close(),
  };
}

const firstLine = (text: string) => text.split("\n", 1)[0]!;
