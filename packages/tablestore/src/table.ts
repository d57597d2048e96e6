import { BackendError } from "@nodestore/core";
import type { TablestoreClient } from "./client.js";
import { parseSdkError } from "./errors.js";
import type { ResolvedTablestoreOptions } from "./options.js";

/** What `bootstrap()` did. */
export type BootstrapResult = "created" | "updated" | "unchanged";

interface Description {
  tableMeta: { tableName: string; primaryKey: Array<{ name: string; type: string | number }> };
  tableOptions: { timeToLive: number; maxVersions: number };
  reservedThroughputDetails: { capacityUnit: { read?: number | null; write?: number | null } };
}

/** The table options bootstrap wants: TTL `defaultTtl` with automaticExpiry, else -1; one version per cell. */
export function wantedOptions(options: ResolvedTablestoreOptions): {
  timeToLive: number;
  maxVersions: number;
} {
  return { timeToLive: options.automaticExpiry ? (options.defaultTtl as number) : -1, maxVersions: 1 };
}

function causeCode(error: unknown): string | undefined {
  return parseSdkError((error as { cause?: unknown }).cause).code;
}

/**
 * The plugin's bootstrap, fixed: create the table when absent (primary key [id STRING], max versions 1, TTL per
 * automaticExpiry, the reserved throughput); when present, check its primary key and update its options or
 * reserved throughput only when they differ (the plugin compares objects without `__eq__`, so it re-applies
 * both on every run). One UpdateTable carries both changes.
 */
export async function bootstrapTable(
  backend: string,
  client: TablestoreClient,
  options: ResolvedTablestoreOptions,
): Promise<BootstrapResult> {
  const tableName = options.table;
  const want = wantedOptions(options);
  const capacityUnit = { read: options.reserved.read, write: options.reserved.write };
  let current: Description | undefined;
  try {
    current = await client.call<Description>(
      "describeTable",
      { tableName },
      { operation: "describe the table" },
    );
  } catch (error) {
    if (causeCode(error) !== "OTSObjectNotExist") throw error;
  }
  if (current === undefined) {
    try {
      await client.call(
        "createTable",
        {
          tableMeta: { tableName, primaryKey: [{ name: "id", type: "STRING" }] },
          reservedThroughput: { capacityUnit },
          tableOptions: want,
        },
        { operation: "create the table" },
      );
      return "created";
    } catch (error) {
      // Another process created it meanwhile: check it like an existing one.
      if (causeCode(error) !== "OTSObjectAlreadyExist") throw error;
      current = await client.call<Description>(
        "describeTable",
        { tableName },
        { operation: "describe the table" },
      );
    }
  }

  const pk = current.tableMeta.primaryKey.map((c) => `${c.name} ${c.type === 2 ? "STRING" : c.type}`);
  if (pk.length !== 1 || pk[0] !== "id STRING") {
    throw new BackendError(
      backend,
      "bootstrap",
      `table ${JSON.stringify(tableName)} exists with primary key [${pk.join(", ")}], not [id STRING] (the sentry-tablestore layout); use another table`,
    );
  }
  const optionsDiffer =
    current.tableOptions.timeToLive !== want.timeToLive ||
    current.tableOptions.maxVersions !== want.maxVersions;
  const cu = current.reservedThroughputDetails.capacityUnit;
  const reservedDiffer = (cu.read ?? 0) !== capacityUnit.read || (cu.write ?? 0) !== capacityUnit.write;
  if (!optionsDiffer && !reservedDiffer) return "unchanged";
  await client.call(
    "updateTable",
    { tableName, tableOptions: want, ...(reservedDiffer ? { reservedThroughput: { capacityUnit } } : {}) },
    { operation: "update the table options" },
  );
  return "updated";
}
