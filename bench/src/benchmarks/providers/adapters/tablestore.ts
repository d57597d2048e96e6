/**
 * @nodestore/tablestore (the sentry-tablestore layout, zstd as the plugin's README recommends) on the LOCAL
 * TABLESTORE PROTOCOL SERVER (tools/tablestore-server): the real npm SDK, the real wire protocol (protobuf,
 * PlainBuffer, signatures), in-memory storage on loopback. No Tablestore emulator exists and the bench has no
 * cloud account: these figures show the client side's cost (encoding, compression, SDK, batching), NOT the
 * service's latency or throughput. Bytes stored are read from the server (its per-table statistics), requests
 * counted at the SDK client. The server: NODESTORE_TABLESTORE_* when it points at the local server (`pnpm
 * services up`), else one the bench starts and stops.
 */
import { createRequire } from "node:module";
import { compression, NodeStore } from "@nodestore/core";
import type { EmbeddedTablestore } from "@nodestore/services";
import type { Baselines, ProviderFactory, ProviderInstance, SetupContext } from "../types.js";
import { errorMessage, storageResult } from "../util.js";

const LABEL = "local protocol server, not representative of the service's latency";

interface Target {
  readonly endpoint: string;
  readonly instance: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly source: "services" | "embedded";
  readonly embedded?: EmbeddedTablestore;
}

/** The bench's only read of the local server's control endpoint: the bytes and rows it holds per table. */
async function tableStats(endpoint: string, instance: string, table: string) {
  const res = await fetch(`${endpoint}/_nodestore/stats?instance=${instance}&table=${table}`);
  if (!res.ok) throw new Error(`${endpoint}/_nodestore/stats answered ${res.status}`);
  const body = (await res.json()) as {
    tables: Record<string, Record<string, { rows: number; versions: number; bytes: number }>>;
  };
  return body.tables[instance]?.[table] ?? { rows: 0, versions: 0, bytes: 0 };
}

async function isLocal(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/_nodestore/info`, { signal: AbortSignal.timeout(5_000) });
    return res.ok && ((await res.json()) as { server?: string }).server === "nodestore-tablestore-server";
  } catch {
    return false;
  }
}

async function tablestoreTarget(ctx: SetupContext): Promise<Target | { skip: string }> {
  const { env } = ctx.options;
  const endpoint = env.NODESTORE_TABLESTORE_ENDPOINT;
  if (endpoint && env.NODESTORE_TABLESTORE_ACCESS_KEY_ID && env.NODESTORE_TABLESTORE_ACCESS_KEY_SECRET) {
    if (!(await isLocal(endpoint))) {
      return {
        skip: `NODESTORE_TABLESTORE_ENDPOINT (${endpoint}) is not the local protocol server: the bench reads bytes stored from its statistics`,
      };
    }
    return {
      endpoint,
      instance: env.NODESTORE_TABLESTORE_INSTANCE ?? "sentry",
      accessKeyId: env.NODESTORE_TABLESTORE_ACCESS_KEY_ID,
      accessKeySecret: env.NODESTORE_TABLESTORE_ACCESS_KEY_SECRET,
      source: "services",
    };
  }
  if (!ctx.options.embedded)
    return { skip: "no Tablestore configured (`pnpm services up`) and --no-embedded" };
  const { startEmbeddedTablestore } = await import("@nodestore/services");
  const server = await startEmbeddedTablestore({ startedBy: "the bench" });
  return { ...server, source: "embedded", embedded: server };
}

export const tablestoreProvider: ProviderFactory = {
  name: "tablestore",
  packageName: "@nodestore/tablestore",
  async setup(ctx) {
    let mod: typeof import("@nodestore/tablestore");
    try {
      mod = await import("@nodestore/tablestore");
    } catch (error) {
      return { skip: `package not built (${errorMessage(error)}): run \`pnpm build\`` };
    }
    const target = await tablestoreTarget(ctx);
    if ("skip" in target) return target;
    try {
      return await tablestoreInstance(ctx, mod, target);
    } catch (error) {
      await target.embedded?.stop();
      throw error;
    }
  },
};

/** Backends on tables of the run, every SDK call they make counted (retries included: each is a request). */
function countedBackends(mod: typeof import("@nodestore/tablestore"), target: Target) {
  const tables: string[] = [];
  const backends: Array<InstanceType<typeof mod.TablestoreBackend>> = [];
  let requests = 0;
  const backendOn = (table: string) => {
    const backend = new mod.TablestoreBackend({
      endpoint: target.endpoint,
      instance: target.instance,
      accessKeyId: target.accessKeyId,
      accessKeySecret: target.accessKeySecret,
      table,
      compression: "zstd",
    });
    const sdk = backend.client.sdk as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const op of COUNTED_CALLS) {
      const original = sdk[op]!.bind(sdk);
      sdk[op] = (...args: unknown[]) => {
        requests++;
        return original(...args);
      };
    }
    tables.push(table);
    backends.push(backend);
    return backend;
  };
  return { backendOn, tables, backends, requests: () => requests };
}

const COUNTED_CALLS = [
  "getRow",
  "putRow",
  "deleteRow",
  "batchGetRow",
  "batchWriteRow",
  "describeTable",
  "createTable",
  "updateTable",
];

/** The bare npm SDK on the same server and table, for the baselines. */
function rawClient(target: Target) {
  const require = createRequire(import.meta.url);
  // biome-ignore lint/suspicious/noExplicitAny: the SDK ships no types
  const TableStore: any = require("tablestore");
  const client = new TableStore.Client({
    endpoint: target.endpoint,
    instancename: target.instance,
    accessKeyId: target.accessKeyId,
    secretAccessKey: target.accessKeySecret,
    maxRetries: 0,
  });
  return { TableStore, client };
}

function tablestoreBaselines(
  ctx: SetupContext,
  target: Target,
  table: string,
): {
  baselines: Baselines;
  raw: ReturnType<typeof rawClient>["client"];
} {
  const { TableStore, client: raw } = rawClient(target);
  const zstd = ctx.corpus.derived("tablestore-zstd", (bytes) =>
    Buffer.from(compression.zstd.compress(bytes)),
  );
  const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
  const flags = TableStore.Long.fromNumber(2);
  const baselines: Baselines = {
    set: [
      {
        issue: 14,
        id: "bare-tablestore-put",
        comparisonId: "issue-14-set",
        label: "bare SDK PutRow loop",
        description:
          "the npm SDK's putRow of pre-compressed rows (zstd done beforehand), same server and table",
        target: null,
        note: `nodestore setSubkeys (encode + zstd + PutRow) vs PutRow alone; ${LABEL}`,
        write: (id, index) =>
          raw.putRow({
            tableName: table,
            condition: ignore(),
            primaryKey: [{ id }],
            attributeColumns: [{ data: zstd[index] }, { flags }],
          }),
      },
    ],
    getMulti: [
      {
        issue: 14,
        id: "bare-tablestore-batchget100",
        comparisonId: "issue-14-getMulti100",
        label: "bare SDK BatchGetRow",
        description:
          "the npm SDK's batchGetRow of the 100 ids (one request), rows not decompressed or decoded",
        target: null,
        note: `the sentry-tablestore plugin's own get_multi returns None for every id, so it is no baseline; ${LABEL}`,
        async read(ids) {
          const r = await raw.batchGetRow({
            tables: [{ tableName: table, primaryKey: ids.map((id) => [{ id }]), maxVersions: 1 }],
          });
          return r.tables[0].filter((row: { attributes?: unknown[] }) => row.attributes?.length).length;
        },
      },
    ],
  };
  return { baselines, raw };
}

async function tablestoreInstance(
  ctx: SetupContext,
  mod: typeof import("@nodestore/tablestore"),
  target: Target,
): Promise<ProviderInstance> {
  const counted = countedBackends(mod, target);
  const table = `nsbench_${ctx.runTag}`;
  const backend = counted.backendOn(table);
  const store = new NodeStore(backend);
  await store.bootstrap();
  const { baselines, raw } = tablestoreBaselines(ctx, target, table);
  const where =
    target.source === "embedded"
      ? target.embedded!.description
      : `${target.endpoint} (NODESTORE_TABLESTORE_ENDPOINT, pnpm services)`;
  return {
    target: {
      kind: "tablestore-local",
      version: "local Tablestore protocol server",
      source: target.source,
      endpoint: target.endpoint,
      description: `${LABEL}: ${where}, instance ${target.instance}, table ${table}, zstd, through the npm SDK`,
    },
    store,
    backend,
    requests: counted.requests,
    notes: [
      `${LABEL}: the npm SDK and the wire protocol are real, the server is an in-memory Node process on the same cores, so latency and throughput say nothing about Alibaba Cloud's`,
      "bytes stored: the server's per-table count of primary key + column names + values + 8 bytes of timestamp per cell (Tablestore's data-size rule); the service's billed storage and its compression on disk are not modelled",
    ],
    cleanupUnsupported:
      "Tablestore has no cleanup: retention is the table's time-to-live (bootstrap with automaticExpiry and defaultTtl)",
    async scratchStore(name) {
      const other = new NodeStore(counted.backendOn(`${table}_${name}`));
      await other.bootstrap();
      return other;
    },
    async measureStorage(ids, logicalBytes) {
      const stats = await tableStats(target.endpoint, target.instance, table);
      return storageResult(
        ids.length,
        logicalBytes,
        stats.bytes,
        "the local server's data size of the table (primary key + column names + values + 8 B timestamp per cell), zstd-compressed values",
        { rows: stats.rows, cells: stats.versions },
      );
    },
    baselines,
    async dispose() {
      try {
        for (const b of counted.backends) await b.close();
        for (const t of counted.tables) await raw.deleteTable({ tableName: t }).catch(() => {});
      } finally {
        await target.embedded?.stop();
      }
    },
  };
}
