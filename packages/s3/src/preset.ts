import { createPassthroughStore, type NodeBackend, NodeStore, type NodeStoreOptions } from "@nodestore/core";
import { S3Backend } from "./backend.js";
import type { S3BackendOptions } from "./options.js";

/** A NodeStore over S3 alone (the Python plugin with all three passthrough flags off). */
export function createS3Store(options: S3BackendOptions & NodeStoreOptions): NodeStore {
  return new NodeStore(new S3Backend(options), options);
}

export interface S3PassthroughDjangoOptions extends NodeStoreOptions {
  /** The S3 side: options, or a backend you built. */
  readonly s3: S3BackendOptions | S3Backend;
  /**
   * Sentry's Django table, normally `new DjangoPgBackend({ connectionString })` from @nodestore/django-pg
   * (any backend or store works). Only touched when a flag below is on.
   */
  readonly django: NodeBackend | NodeStore;
  /** On an S3 miss (absent or empty object), read Django (Python: `read_through`). Default false. */
  readonly readThrough?: boolean;
  /** Write Django first, then S3 (Python: `write_through`). Default false. */
  readonly writeThrough?: boolean;
  /** Delete from Django first, then S3; `cleanup()` then cleans Django (Python: `delete_through`). Default false. */
  readonly deleteThrough?: boolean;
}

/**
 * `sentry_nodestore_s3.S3PassthroughDjangoNodeStorage`: S3 primary, Django secondary, same flags, same order
 * of operations (core's `passthrough`). S3 errors other than a missing object propagate: never a silent
 * fallback to Postgres.
 */
export function createS3PassthroughDjangoStore(options: S3PassthroughDjangoOptions): NodeStore {
  const primary = options.s3 instanceof S3Backend ? options.s3 : new S3Backend(options.s3);
  return createPassthroughStore({
    ...options,
    primary,
    secondary: options.django,
    readThrough: options.readThrough ?? false,
    writeThrough: options.writeThrough ?? false,
    deleteThrough: options.deleteThrough ?? false,
  });
}
