import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CliError, EXIT } from "../exit-codes.js";

/** One named store: a URL, and backend options merged over the URL's (credentials may live here). */
export interface NamedStore {
  readonly url: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface CliConfig {
  readonly path: string;
  readonly stores: Readonly<Record<string, NamedStore>>;
}

const NAMES = ["nodestore.config.json", "nodestore.config.mjs", "nodestore.config.js"];

/**
 * `nodestore.config.{json,mjs,js}` from `explicit` or the current directory; none is fine unless `explicit`.
 * Shape: `{ "stores": { "<name>": "<url>" | { "url": "<url>", "options": {…} } } }` (a module default-exports it).
 */
export async function loadConfig(
  explicit: string | undefined,
  cwd = process.cwd(),
): Promise<CliConfig | undefined> {
  const path = explicit
    ? resolve(cwd, explicit)
    : NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
  if (path === undefined) return undefined;
  if (!existsSync(path)) throw new CliError(`config file not found: ${path}`, EXIT.usage);
  let raw: unknown;
  try {
    raw = path.endsWith(".json")
      ? JSON.parse(readFileSync(path, "utf8"))
      : ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new CliError(`config file ${path}: ${(error as Error).message.split("\n", 1)[0]}`, EXIT.usage);
  }
  return { path, stores: parseStores(raw, path) };
}

function parseStores(raw: unknown, path: string): Record<string, NamedStore> {
  const stores = (raw as { stores?: unknown } | null)?.stores;
  if (stores === null || typeof stores !== "object" || Array.isArray(stores)) {
    throw new CliError(
      `config file ${path}: expected { "stores": { "<name>": "<url>" | { "url": … } } }`,
      EXIT.usage,
    );
  }
  const out: Record<string, NamedStore> = {};
  for (const [name, value] of Object.entries(stores)) {
    if (typeof value === "string") out[name] = { url: value };
    else if (value && typeof value === "object" && typeof (value as NamedStore).url === "string") {
      const options = (value as NamedStore).options;
      if (
        options !== undefined &&
        (options === null || typeof options !== "object" || Array.isArray(options))
      ) {
        throw new CliError(`config file ${path}: stores.${name}.options must be an object`, EXIT.usage);
      }
      out[name] = { url: (value as NamedStore).url, options };
    } else {
      throw new CliError(
        `config file ${path}: stores.${name} must be a URL or { "url": …, "options": … }`,
        EXIT.usage,
      );
    }
  }
  return out;
}
