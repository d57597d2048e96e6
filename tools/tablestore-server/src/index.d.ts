/** The documented Tablestore limits this server enforces (overridable per server for tests). */
export interface Limits {
  maxTables: number;
  maxBatchGetRows: number;
  maxBatchWriteRows: number;
  maxCellBytes: number;
  maxPkBytes: number;
  maxWriteBytes: number;
  maxColumnsPerWrite: number;
  maxRangeRows: number;
  maxRangeBytes: number;
  maxBodyBytes: number;
  maxCapacityUnits: number;
}
export const DEFAULT_LIMITS: Readonly<Limits>;
export const DEFAULTS: Readonly<{ instance: string; accessKeyId: string; accessKeySecret: string }>;
export const SERVER_NAME: "nodestore-tablestore-server";
/** Absolute path of the npm SDK's tablestore.proto, which the server loads. */
export const PROTO_FILE: string;
/** Every operation the server implements, by API name. */
export const OPERATIONS: Readonly<Record<string, unknown>>;

/** A Tablestore error: HTTP status, code, message. */
export class OtsError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string);
}
/** Documented status and message of each error code the server knows. */
export const CATALOG: Readonly<Record<string, readonly [number, string]>>;
export function otsError(code: string, message?: string, status?: number): OtsError;

export type PlainValue =
  | { type: "INTEGER"; value: bigint }
  | { type: "DOUBLE"; value: number }
  | { type: "BOOLEAN"; value: boolean }
  | { type: "STRING" | "BLOB"; value: Buffer }
  | { type: "INF_MIN" | "INF_MAX" | "AUTO_INCREMENT" };
export interface PlainRow {
  pk: Array<{ name: string; value: PlainValue }>;
  cells?: Array<{ name: string; value: PlainValue; ts?: bigint }>;
}
/** Parses one request row, verifying every checksum (throws OtsError 400 OTSParameterInvalid). */
export function decodeRow(bytes: Uint8Array): {
  pk: Array<{ name: string; value: PlainValue }>;
  cells: Array<{ name: string; value?: PlainValue; op?: number; ts?: bigint }>;
  deleteMarker: boolean;
};
export function encodeRow(row: PlainRow): Buffer;
export function encodeRows(rows: PlainRow[]): Buffer;

/** A fault rule (see src/faults.js). */
export interface FaultRule {
  api?: string | string[];
  table?: string;
  times?: number;
  skip?: number;
  code?: string;
  status?: number;
  message?: string;
  rows?: number[] | "all";
  /** Batch rows whose first primary-key column is one of these strings (follows a row across retries). */
  keys?: string[];
  delayMs?: number;
  drop?: "reset" | "hang";
  corrupt?: boolean;
  http?: { status: number; body?: string; contentType?: string };
}

export interface TableStats {
  rows: number;
  versions: number;
  /** Primary key and column names and values, plus 8 bytes of timestamp per version. */
  bytes: number;
}

export interface ControlClient {
  info(): Promise<{
    server: string;
    version: string;
    instances: string[];
    protoFile: string;
    limits: Limits;
    clockOffsetMs: number;
  }>;
  stats(filter?: { instance?: string; table?: string }): Promise<{
    counters: {
      requests: number;
      byApi: Record<string, number>;
      byStatus: Record<string, number>;
      /** "instance/table" → API name → authenticated requests naming that table. */
      byTable: Record<string, Record<string, number>>;
    };
    tables: Record<string, Record<string, TableStats>>;
  }>;
  faults(): Promise<Array<FaultRule & { id: number; fired: number; seen: number }>>;
  addFaults(rules: FaultRule | FaultRule[]): Promise<number[]>;
  clearFaults(): Promise<number>;
  setClockOffset(offsetMs: number): Promise<number>;
  /** Drops `table` of `instance`, or every table of it when `table` is not given; the number dropped. */
  reset(instance: string, table?: string): Promise<number>;
  /** True when the endpoint is this local server (not a real Tablestore instance). */
  isLocal(): Promise<boolean>;
}
/** A client for the control endpoints of the server at `endpoint`. */
export function tablestoreControl(endpoint: string): ControlClient;

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Instance names served; default ["sentry"]. */
  instances?: string[];
  /** Key pairs accepted; default nodestore / nodestore-secret. */
  credentials?: Array<{ accessKeyId: string; accessKeySecret: string; stsToken?: string }>;
  limits?: Partial<Limits>;
  log?: (line: string) => void;
}

export interface RunningServer {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly instance: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The server's state (instances, faults, counters), for in-process tests. */
  readonly state: unknown;
  close(): Promise<void>;
}
export function startTablestoreServer(options?: ServerOptions): Promise<RunningServer>;
