import type { CorruptLayer, NodeStore } from "@nodestore/core";

/**
 * What the fault section needs from a backend (`ConformanceOptions.faults`). Every field is optional: a case
 * whose hook is absent is skipped with one line saying which hook is missing. CI counts a skipped test as a
 * failure, so a backend of this repository provides them all.
 */
export interface FaultHooks {
  /**
   * Network faults through a Toxiproxy proxy the suite creates and controls. `"none"` declares an in-process
   * backend (the memory store) that has no network to cut: the transport cases are then not registered.
   */
  readonly transport?: TransportHooks | "none";
  /**
   * Ways to damage a stored node, one per storage layer the backend has (transport encoding, compression,
   * headers beside the value...), each with the outcome a reader must give.
   */
  readonly corruptions?: readonly CorruptionCase[];
  /**
   * Ids this backend cannot store as their own exact key, beyond the ones no backend can (lone surrogates,
   * which the suite always tries): e.g. S3 ids that would nest under another id's key. Each must be refused
   * with `InvalidIdError` before any I/O, on every call. `[]` when there are none.
   */
  readonly unstorableIds?: readonly string[];
  /**
   * The server overwrites a stored value in place, so a write cut mid-way can leave the node damaged (s3rver:
   * it truncates the file, then streams the body into it). The cut-write case then also accepts a node that
   * reads as a `CorruptNode` marker or as missing, never as wrong data. Default false: after a cut write, every
   * node holds its old or its new value, as on AWS S3, SeaweedFS, MinIO and PostgreSQL.
   */
  readonly writesInPlace?: boolean;
}

/** A network address, as Toxiproxy and the backend's client see it. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The timeouts the suite asks the store it reaches through the proxy to use. */
export interface FaultBounds {
  /** Longest wait to open a connection (TCP, TLS, the protocol's handshake), ms. */
  readonly connectTimeoutMs: number;
  /**
   * Longest wait for one request's answer (an SQL statement, an HTTP response) and the longest silence while
   * a body is read, ms.
   */
  readonly requestTimeoutMs: number;
  /** Retries after the first try, for a backend that retries (S3's SDK); others ignore it. */
  readonly retryAttempts: number;
}

export interface TransportHooks {
  /** Toxiproxy's HTTP API, e.g. `http://127.0.0.1:8474` (in this repository: NODESTORE_TOXIPROXY_URL). */
  readonly toxiproxyUrl: string;
  /** The real server the proxy forwards to (the host and port the main store connects to). */
  readonly upstream: HostPort;
  /**
   * A second store over the SAME namespace as the main one (same table, bucket, prefix, index) that reaches
   * the server at `address` (the proxy) instead, with `bounds` as its timeouts and retries. It must not need
   * the server to be created (the suite creates one while the proxy is down). Called once per case; the
   * suite calls `close()` on each when done, which must release everything it opened.
   */
  readonly createStoreVia: (address: HostPort, bounds: FaultBounds) => NodeStore | Promise<NodeStore>;
}

/** One way to damage a stored node, and what reading it must give. */
export interface CorruptionCase {
  /** Shown in the test title, e.g. "zlib with a flipped bit". */
  readonly name: string;
  /**
   * The layer of the `CorruptNodeError` that `get` must throw (and that the `CorruptNode` marker of `getMulti`
   * must carry), or `"missing"` when the damaged node must read as absent (`null`), as Sentry's own reader
   * does (e.g. an empty S3 object).
   */
  readonly expect: CorruptLayer | "missing";
  /**
   * Damages node `id` in storage, bypassing the store (raw SQL, a raw PutObject...). The suite has just
   * written it with `store.set(id, value)`, a compressible value; the case may read that stored form and alter
   * it (flip a bit, cut it) or overwrite it with bytes of its own.
   */
  readonly corrupt: (id: string, store: NodeStore) => void | Promise<void>;
}
