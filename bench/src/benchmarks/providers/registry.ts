/**
 * Every provider the bench knows, in report order. Adding a backend: its adapter in ./adapters (a
 * `ProviderFactory`, see ./types.ts) and one line here; `--providers`, `--help` and the report follow.
 */
import { djangoPgProvider } from "./adapters/django-pg.js";
import { memoryProvider } from "./adapters/memory.js";
import { openSearchProvider, openSearchRttProvider } from "./adapters/opensearch/index.js";
import { s3Provider, s3RttProvider } from "./adapters/s3/index.js";
import { tablestoreProvider } from "./adapters/tablestore.js";
import type { ProviderFactory } from "./types.js";

export const PROVIDERS: readonly ProviderFactory[] = [
  memoryProvider,
  djangoPgProvider,
  s3Provider,
  s3RttProvider,
  openSearchProvider,
  openSearchRttProvider,
  tablestoreProvider,
];

export const ALL_PROVIDERS: readonly string[] = PROVIDERS.map((p) => p.name);
