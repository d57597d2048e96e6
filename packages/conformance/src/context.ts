import { randomUUID } from "node:crypto";
import { eventNodeId, type NodeStore } from "@nodestore/core";
import { afterAll, beforeAll } from "vitest";
import type { FaultHooks } from "./sections/faults/hooks.js";
import type { SectionName } from "./sections/index.js";

export interface ConformanceOptions {
  /** Shown in the describe() title, e.g. "django-pg on PostgreSQL 15". */
  readonly name: string;
  /**
   * A store over a namespace of its own (table, key prefix, index): the suite writes, deletes and cleans
   * up everything in it. Called once before the tests.
   */
  readonly createStore: () => NodeStore | Promise<NodeStore>;
  /** Called once after the tests; default: `store.close()`. */
  readonly destroyStore?: (store: NodeStore) => void | Promise<void>;
  /** Size of the large-value test, in bytes of encoded JSON. Default 4 MiB. */
  readonly largeValueBytes?: number;
  /** Nodes written at once by the concurrency tests. Default 64. */
  readonly concurrentWrites?: number;
  /** Run only these sections (still in the suite's order). Default: every section. */
  readonly sections?: readonly SectionName[];
  /** Leave these sections out. */
  readonly skip?: readonly SectionName[];
  /**
   * What the fault section needs from the backend: a store reached through a Toxiproxy proxy, ways to damage a
   * stored node, the ids it cannot store exactly (see `FaultHooks`). Cases whose hook is absent are skipped with
   * one line naming it.
   */
  readonly faults?: FaultHooks;
  // Other sections that need something only the backend can provide get an optional field here too, and skip
  // their cases when it is absent.
}

/** What every section gets: the store under test, a fresh id per call, and the suite's options. */
export interface SectionContext {
  /** The store `createStore` made; read it inside tests and hooks (it does not exist while registering). */
  readonly store: NodeStore;
  /** A new event-shaped id (32 hex, as Sentry writes) unique to this run, so a shared server never collides. */
  readonly newId: () => string;
  /** 8 hex characters unique to this run, for ids of other shapes. */
  readonly runTag: string;
  readonly options: ConformanceOptions;
}

/**
 * Registers the store's lifecycle (`createStore` + `bootstrap()` before the tests, `destroyStore` after) in
 * the enclosing `describe` and returns the context sections share. `runConformanceSuite` calls it; call it
 * yourself inside your own `describe` to run one section directly.
 */
export function createSectionContext(options: ConformanceOptions): SectionContext {
  let store: NodeStore | undefined;
  const runTag = randomUUID().replace(/-/g, "").slice(0, 8);
  let seq = 0;

  beforeAll(async () => {
    store = await options.createStore();
    await store.bootstrap();
  }, 120_000);
  afterAll(async () => {
    if (store) await (options.destroyStore ? options.destroyStore(store) : store.close());
  }, 120_000);

  return {
    get store(): NodeStore {
      if (!store) {
        throw new Error(`conformance (${options.name}): no store yet; read ctx.store inside tests and hooks`);
      }
      return store;
    },
    newId: () => eventNodeId(1, `${runTag}${String(seq++).padStart(24, "0")}`),
    runTag,
    options,
  };
}

/** Bytes as a latin1 string, so a mismatch prints readably and compares byte for byte. */
export function bytesOf(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString("latin1");
}
