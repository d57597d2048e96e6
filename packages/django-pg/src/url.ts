import {
  InvalidArgumentError,
  redactUrl,
  type StoreEnv,
  type StoreUrlHandler,
  storeUrlParams,
  urlInt,
} from "@nodestore/core";
import { DjangoPgBackend } from "./backend.js";
import type { DjangoPgOptions } from "./options.js";

/** Our options, by URL parameter (each is the `DjangoPgOptions` field of the same name). */
const OPTIONS = {
  table: "table name (default nodestore_node, as Sentry's migrations create it)",
  schema: "schema (default: the connection's search_path, as Django)",
  readBatchSize: "ids per read/delete statement (default 1000)",
  writeBatchSize: "rows per upsert statement (default 500)",
  cleanupBatchSize: "rows per cleanup statement (default 10000, as Sentry's cleanup)",
  cleanupPauseMs: "pause between cleanup statements, ms (default 0)",
  connectTimeoutMs: "time to get a connection, ms (default 5000)",
  queryTimeoutMs: "bound on each statement, ms (default 30000)",
  maintenanceTimeoutMs: "bound on cleanup statements and windowed scans, ms (default 600000)",
  maxValueBytes: "largest decompressed value, bytes (default 64 MiB)",
} as const;

/** libpq's own parameters, passed through to pg (https://node-postgres.com/features/ssl, libpq docs). */
const PG_PARAMS = {
  sslmode:
    "disable | prefer | require | verify-ca | verify-full (env PGSSLMODE); verify-full checks the certificate",
  sslrootcert: "PEM file of the CA to trust",
  sslcert: "client certificate (PEM file)",
  sslkey: "client key (PEM file)",
  application_name: "shown in pg_stat_activity (default nodestore)",
} as const;

const INTS = [
  "readBatchSize",
  "writeBatchSize",
  "cleanupBatchSize",
  "connectTimeoutMs",
  "queryTimeoutMs",
  "maintenanceTimeoutMs",
  "maxValueBytes",
] as const;

/**
 * `postgres://user:password@host:port/database?table=nodestore_node` (also `postgresql://`). What the URL leaves
 * out comes from libpq's variables in `env`: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE (the URL
 * wins). Our parameters become `DjangoPgOptions`; libpq's (sslmode, …) stay in the connection string for pg.
 */
export function optionsFromUrl(url: URL, env: StoreEnv): DjangoPgOptions {
  const params = storeUrlParams(url, storeUrl);
  const conn = new URL(url.href);
  conn.search = "";
  if (!conn.hostname && env.PGHOST) conn.hostname = env.PGHOST;
  if (!conn.hostname) conn.hostname = "localhost";
  if (!conn.port && env.PGPORT) conn.port = env.PGPORT;
  if (!conn.username && env.PGUSER) conn.username = encodeURIComponent(env.PGUSER);
  if (!conn.password && env.PGPASSWORD) conn.password = encodeURIComponent(env.PGPASSWORD);
  if ((conn.pathname === "" || conn.pathname === "/") && env.PGDATABASE) {
    conn.pathname = `/${encodeURIComponent(env.PGDATABASE)}`;
  }
  if (conn.pathname.split("/").filter(Boolean).length > 1) {
    throw new InvalidArgumentError(`${redactUrl(url)}: the path is the database name only (table: ?table=)`);
  }
  const sslmode = params.get("sslmode") ?? env.PGSSLMODE;
  if (sslmode !== undefined) conn.searchParams.set("sslmode", sslmode);
  for (const key of ["sslrootcert", "sslcert", "sslkey"] as const) {
    const value = params.get(key);
    if (value !== undefined) conn.searchParams.set(key, value);
  }
  conn.searchParams.set("application_name", params.get("application_name") ?? "nodestore");
  const options: Record<string, unknown> = { connectionString: conn.href };
  for (const key of ["table", "schema"] as const) {
    const value = params.get(key);
    if (value === "") throw new InvalidArgumentError(`${redactUrl(url)}: ${key} is empty`);
    if (value !== undefined) options[key] = value;
  }
  for (const key of INTS) {
    const value = urlInt(url, params, key);
    if (value !== undefined) options[key] = value;
  }
  const pause = params.get("cleanupPauseMs");
  if (pause !== undefined) {
    if (!/^\d+$/.test(pause)) {
      throw new InvalidArgumentError(
        `${redactUrl(url)}: cleanupPauseMs must be a whole number of ms, got "${pause}"`,
      );
    }
    options.cleanupPauseMs = Number(pause);
  }
  return options as DjangoPgOptions;
}

/** `postgres://` / `postgresql://` for the `nodestore` CLI and config files. */
export const storeUrl: StoreUrlHandler = {
  schemes: ["postgres", "postgresql"],
  example: "postgres://sentry@postgres:5432/postgres?table=nodestore_node",
  parameters: { ...OPTIONS, ...PG_PARAMS },
  open(url, env, extra) {
    const options = { ...optionsFromUrl(url, env), ...(extra as Partial<DjangoPgOptions> | undefined) };
    try {
      return new DjangoPgBackend(options);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw error;
      throw new InvalidArgumentError(`${redactUrl(url)}: ${(error as Error).message}`);
    }
  },
};
