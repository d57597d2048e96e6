// The shared fault section (@nodestore/conformance "faults") on every configured Tablestore: network faults
// through Toxiproxy (a second store reaching the same server through the proxy), rows damaged by a raw PutRow
// at each layer (compression under `flags`, the flags themselves, the data column), ids a STRING primary key
// cannot hold. Tablestore's own error codes (OTSServerBusy, partial batches...) are in server-faults.test.ts.
import {
  type CorruptionCase,
  type FaultHooks,
  flipBit,
  runConformanceSuite,
  truncateBytes,
  zlibBomb,
  zstdBomb,
  zstdMagicThenGarbage,
} from "@nodestore/conformance";
import { DEFAULT_MAX_VALUE_BYTES, NodeStore } from "@nodestore/core";
import { serviceEnv } from "@nodestore/services";
import { it } from "vitest";
import { TablestoreBackend } from "../src/index.js";
import {
  connection,
  dropTable,
  inspectRaw,
  putRaw,
  scratchTableName,
  TableStore,
  type TablestoreTarget,
  tablestoreTargets,
} from "./helpers.js";

const MiB = 1024 * 1024;
const long = (n: number) => TableStore.Long.fromNumber(n);

/** Rows rewritten next to the backend with a plain SDK client. */
function corruptions(target: TablestoreTarget, table: string): CorruptionCase[] {
  const stored = async (id: string): Promise<Buffer> => {
    const row = await inspectRaw(target, table, id);
    if (row?.flags?.value !== 2)
      throw new Error(`node ${id} was not stored as zstd (flags ${row?.flags?.value})`);
    return row.data!.value as Buffer;
  };
  const write = (id: string, columns: Array<Record<string, unknown>>) => putRaw(target, table, id, columns);
  const bound = (store: NodeStore) => (store.backend.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES) + MiB;
  return [
    {
      name: 'zstd with a flipped bit ("hello" becomes "hallo")',
      expect: "zstd",
      corrupt: async (id) =>
        write(id, [{ data: Buffer.from(flipBit(await stored(id), { near: "hello" })) }, { flags: long(2) }]),
    },
    {
      name: "zstd cut in half",
      expect: "zstd",
      corrupt: async (id) =>
        write(id, [{ data: Buffer.from(truncateBytes(await stored(id))) }, { flags: long(2) }]),
    },
    {
      name: "the zstd magic number, then garbage",
      expect: "zstd",
      corrupt: (id) => write(id, [{ data: Buffer.from(zstdMagicThenGarbage()) }, { flags: long(2) }]),
    },
    {
      name: "a zstd bomb (1 MiB past maxValueBytes)",
      expect: "zstd",
      corrupt: (id, store) => write(id, [{ data: Buffer.from(zstdBomb(bound(store))) }, { flags: long(2) }]),
    },
    {
      name: "zstd bytes flagged zlib (flags 1)",
      expect: "zlib",
      corrupt: async (id) => write(id, [{ data: await stored(id) }, { flags: long(1) }]),
    },
    {
      name: "a zlib bomb (flags 1, 1 MiB past maxValueBytes)",
      expect: "zlib",
      corrupt: async (id, store) =>
        write(id, [{ data: Buffer.from(await zlibBomb(bound(store))) }, { flags: long(1) }]),
    },
    {
      name: "zstd bytes without their flags column",
      expect: "json",
      corrupt: async (id) => write(id, [{ data: await stored(id) }]),
    },
    {
      name: "flags 4 (no codec has that bit)",
      expect: "framing",
      corrupt: async (id) => write(id, [{ data: await stored(id) }, { flags: long(4) }]),
    },
    {
      name: "a data column of type INTEGER",
      expect: "framing",
      corrupt: (id) => write(id, [{ data: long(7) }]),
    },
    {
      name: "a row without its data column",
      expect: "missing",
      corrupt: (id) => write(id, [{ flags: long(2) }]),
    },
  ];
}

const toxiproxyUrl = serviceEnv("NODESTORE_TOXIPROXY_URL");
const targets = await tablestoreTargets();
if (targets.length === 0) it.skip("Tablestore is not configured", () => {});
for (const target of targets) {
  const table = scratchTableName("nsfault");
  const endpoint = new URL(target.endpoint);
  const faults: FaultHooks = {
    // Through a TCP proxy, an https endpoint's certificate would not match 127.0.0.1: plain http only.
    transport:
      toxiproxyUrl === undefined || endpoint.protocol !== "http:"
        ? undefined
        : {
            toxiproxyUrl,
            upstream: {
              host: endpoint.hostname,
              port: Number(endpoint.port || 80),
            },
            createStoreVia: (address, bounds) =>
              new NodeStore(
                new TablestoreBackend({
                  ...connection(target),
                  endpoint: `${endpoint.protocol}//${address.host}:${address.port}`,
                  table,
                  compression: "zstd",
                  connectTimeoutMs: bounds.connectTimeoutMs,
                  requestTimeoutMs: bounds.requestTimeoutMs,
                  retryAttempts: bounds.retryAttempts,
                }),
              ),
          },
    corruptions: corruptions(target, table),
    // A STRING primary key holds at most 1024 bytes of UTF-8 (513 "é" are 1026 bytes in 513 characters).
    unstorableIds: ["k".repeat(1025), "é".repeat(513)],
  };
  runConformanceSuite({
    name: `tablestore on ${target.label}`,
    sections: ["faults"],
    faults,
    createStore: () =>
      new NodeStore(new TablestoreBackend({ ...connection(target), table, compression: "zstd" })),
    destroyStore: async (store) => {
      await store.close();
      await dropTable(target, table);
    },
  });
}
