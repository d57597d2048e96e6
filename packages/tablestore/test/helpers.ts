import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { serviceEnv } from "@nodestore/services";
import { tablestoreControl } from "@nodestore/tablestore-server";
import { TablestoreBackend, type TablestoreOptions } from "../src/index.js";

/** A Tablestore endpoint the suites run on. */
export interface TablestoreTarget {
  readonly label: string;
  readonly endpoint: string;
  readonly instance: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly stsToken?: string;
  /** Our local protocol server (control endpoints: faults, stats, clock), not a real instance. */
  readonly local: boolean;
}

const LOCAL_VARS = [
  "NODESTORE_TABLESTORE_ENDPOINT",
  "NODESTORE_TABLESTORE_INSTANCE",
  "NODESTORE_TABLESTORE_ACCESS_KEY_ID",
  "NODESTORE_TABLESTORE_ACCESS_KEY_SECRET",
] as const;
const REAL_VARS = [
  "NODESTORE_TABLESTORE_REAL_ENDPOINT",
  "NODESTORE_TABLESTORE_REAL_INSTANCE",
  "NODESTORE_TABLESTORE_REAL_ACCESS_KEY_ID",
  "NODESTORE_TABLESTORE_REAL_ACCESS_KEY_SECRET",
] as const;

let warnedReal = false;

/**
 * Where the suites run: NODESTORE_TABLESTORE_* (the local protocol server from `pnpm services` or the embedded
 * one; required in CI), and a real instance when NODESTORE_TABLESTORE_REAL_* are set (optional: one line when
 * they are not, never a failure, so CI does not need an Alibaba Cloud account).
 */
export async function tablestoreTargets(): Promise<TablestoreTarget[]> {
  const targets: TablestoreTarget[] = [];
  const env = serviceEnv("Tablestore (the local protocol server)", LOCAL_VARS);
  if (env) {
    const endpoint = env.NODESTORE_TABLESTORE_ENDPOINT;
    const local = await tablestoreControl(endpoint).isLocal();
    targets.push({
      label: local ? "the local protocol server" : endpoint,
      endpoint,
      instance: env.NODESTORE_TABLESTORE_INSTANCE,
      accessKeyId: env.NODESTORE_TABLESTORE_ACCESS_KEY_ID,
      accessKeySecret: env.NODESTORE_TABLESTORE_ACCESS_KEY_SECRET,
      local,
    });
  }
  const missing = REAL_VARS.filter((v) => !process.env[v]);
  if (missing.length === 0) {
    targets.push({
      label: `a real instance (${process.env.NODESTORE_TABLESTORE_REAL_INSTANCE})`,
      endpoint: process.env.NODESTORE_TABLESTORE_REAL_ENDPOINT!,
      instance: process.env.NODESTORE_TABLESTORE_REAL_INSTANCE!,
      accessKeyId: process.env.NODESTORE_TABLESTORE_REAL_ACCESS_KEY_ID!,
      accessKeySecret: process.env.NODESTORE_TABLESTORE_REAL_ACCESS_KEY_SECRET!,
      stsToken: process.env.NODESTORE_TABLESTORE_REAL_STS_TOKEN || undefined,
      local: false,
    });
  } else if (!warnedReal) {
    warnedReal = true;
    console.warn(
      `[skip] a real Tablestore instance: ${missing.join(", ")} not set (optional; CI does not use one)`,
    );
  }
  return targets;
}

/** The local protocol server among the targets (for tests that need its control endpoints). */
export async function localTarget(): Promise<TablestoreTarget | undefined> {
  return (await tablestoreTargets()).find((t) => t.local);
}

export function connection(target: TablestoreTarget): TablestoreOptions {
  return {
    endpoint: target.endpoint,
    instance: target.instance,
    accessKeyId: target.accessKeyId,
    accessKeySecret: target.accessKeySecret,
    ...(target.stsToken ? { stsToken: target.stsToken } : {}),
  };
}

/** A table name of its own per test file and run (deleted at the end), so runs never see each other's rows. */
export function scratchTableName(prefix = "nstest"): string {
  return `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

/** A backend on a scratch table, and how to drop the table. */
export function scratchBackend(
  target: TablestoreTarget,
  options: Partial<TablestoreOptions> = {},
): { backend: TablestoreBackend; table: string; drop(): Promise<void> } {
  const table = options.table ?? scratchTableName();
  const backend = new TablestoreBackend({ ...connection(target), ...options, table });
  return { backend, table, drop: () => dropTable(target, table) };
}

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: the SDK ships no types; tests drive it raw
export const TableStore: any = require("tablestore");

/** A plain SDK client (no retries), for what tests do beside the backend: raw rows, table admin. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export function rawClient(target: TablestoreTarget): any {
  return new TableStore.Client({
    endpoint: target.endpoint,
    instancename: target.instance,
    accessKeyId: target.accessKeyId,
    secretAccessKey: target.accessKeySecret,
    ...(target.stsToken ? { stsToken: target.stsToken } : {}),
    maxRetries: 0,
  });
}

export async function dropTable(target: TablestoreTarget, table: string): Promise<void> {
  try {
    await rawClient(target).deleteTable({ tableName: table });
  } catch (error) {
    if (!String((error as Error).message).includes("OTSObjectNotExist")) throw error;
  }
}

export const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);

/** Writes a row as given, bypassing the backend (what another writer, or damage, leaves behind). */
export async function putRaw(
  target: TablestoreTarget,
  table: string,
  id: string,
  columns: Array<Record<string, unknown>>,
): Promise<void> {
  await rawClient(target).putRow({
    tableName: table,
    condition: ignore(),
    primaryKey: [{ id }],
    attributeColumns: columns,
  });
}

/** The row's attributes as stored: name → { type, value, timestamp }. */
export async function inspectRaw(
  target: TablestoreTarget,
  table: string,
  id: string,
): Promise<Record<string, { value: unknown; timestamp: number }> | null> {
  const { row } = await rawClient(target).getRow({ tableName: table, primaryKey: [{ id }], maxVersions: 1 });
  if (!row?.attributes) return null;
  const out: Record<string, { value: unknown; timestamp: number }> = {};
  for (const a of row.attributes) {
    const v = a.columnValue;
    out[a.columnName] = {
      value: v && typeof v.toNumber === "function" ? v.toNumber() : v,
      timestamp: a.timestamp.toNumber(),
    };
  }
  return out;
}
