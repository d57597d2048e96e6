/**
 * The official npm SDK (`tablestore`, CommonJS, no type declarations), loaded with `createRequire` and typed
 * here for the calls this package makes. Nothing of it appears in our public types.
 */
import { createRequire } from "node:module";

/** An int64 as the SDK reads and writes it (int64-buffer's Int64LE). */
export interface SdkInt64 {
  toNumber(): number;
  toString(): string;
}

export type SdkCellValue = Buffer | string | number | boolean | SdkInt64;

export interface SdkAttribute {
  readonly columnName: string;
  readonly columnValue: SdkCellValue | null;
  readonly timestamp: SdkInt64 | null;
}

export interface SdkRow {
  readonly primaryKey?: ReadonlyArray<{ name: string; value: SdkCellValue }> | null;
  readonly attributes?: readonly SdkAttribute[] | null;
}

export interface SdkBatchRowResult extends SdkRow {
  readonly isOk: boolean;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly tableName: string;
}

export interface SdkCondition {
  readonly __condition: true;
}

export interface SdkClientConfig {
  endpoint: string;
  instancename: string;
  accessKeyId: string;
  secretAccessKey: string;
  stsToken?: string;
  maxRetries?: number;
  httpOptions?: { timeout?: number; maxSockets?: number; agent?: unknown };
}

/** What `client.<op>(params, callback)` returns: the request, whose HTTP stream we destroy on our deadline. */
export interface SdkRequest {
  readonly httpRequest?: { stream?: { destroy(error?: Error): void } };
}

export type SdkCallback = (error: unknown, data: unknown) => void;

export interface SdkClient {
  createTable(params: unknown, cb: SdkCallback): SdkRequest;
  describeTable(params: unknown, cb: SdkCallback): SdkRequest;
  updateTable(params: unknown, cb: SdkCallback): SdkRequest;
  deleteTable(params: unknown, cb: SdkCallback): SdkRequest;
  getRow(params: unknown, cb: SdkCallback): SdkRequest;
  putRow(params: unknown, cb: SdkCallback): SdkRequest;
  deleteRow(params: unknown, cb: SdkCallback): SdkRequest;
  batchGetRow(params: unknown, cb: SdkCallback): SdkRequest;
  batchWriteRow(params: unknown, cb: SdkCallback): SdkRequest;
  getRange(params: unknown, cb: SdkCallback): SdkRequest;
}

/** GetRange's answer: rows in key order, and where to continue (null when the range is done). */
export interface SdkRangeAnswer {
  readonly rows: readonly SdkRow[];
  readonly nextStartPrimaryKey: ReadonlyArray<{ name: string; value: SdkCellValue }> | null;
}

export type SdkOperation = keyof SdkClient;

interface TableStoreModule {
  Client: new (config: SdkClientConfig) => SdkClient;
  Condition: new (rowExistence: number, columnCondition: null) => SdkCondition;
  RowExistenceExpectation: { IGNORE: number; EXPECT_EXIST: number; EXPECT_NOT_EXIST: number };
  Long: { fromNumber(n: number): SdkInt64 };
  /** Range bounds below and above every key (GetRange). */
  INF_MIN: object;
  INF_MAX: object;
  Direction: { FORWARD: string; BACKWARD: string };
}

const require = createRequire(import.meta.url);
export const TableStore = require("tablestore") as TableStoreModule;

/** Condition IGNORE: a put overwrites, a delete of an absent row succeeds (what the Python plugin sends). */
export const IGNORE = (): SdkCondition =>
  new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);

/** An INTEGER cell: the SDK writes a plain JS number as a DOUBLE. */
export const int64 = (n: number): SdkInt64 => TableStore.Long.fromNumber(n);
