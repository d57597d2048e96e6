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
    "disable | verify-full | no-verify (TLS, certificate unchecked); pg takes prefer, require, verify-ca as verify-full (env PGSSLMODE; none: no TLS)",
  sslrootcert: "PEM file of the CA to trust",
  sslcert: "client certificate (PEM file)",
  sslkey: "client key (PEM file)",
  host: "Unix-socket directory when the URL names no host, e.g. /var/run/postgresql (env PGHOST)",
  application_name: "shown in pg_stat_activity (env PGAPPNAME, default nodestore)",
} as const;

/** What pg-connection-string understands (it ignores anything else, which would silently mean no TLS). */
const SSLMODES = ["disable", "prefer", "require", "verify-ca", "verify-full", "no-verify"];

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
 * out comes from the libpq variables pg honours, read from `env`: PGHOST (a path: a socket directory), PGPORT,
 * PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGAPPNAME (the URL wins). Our parameters become `DjangoPgOptions`;
 * libpq's (sslmode, …) stay in the connection string for pg.
 */
export function optionsFromUrl(url: URL, env: StoreEnv): DjangoPgOptions {
  const params = storeUrlParams(url, storeUrl);
  const conn = new URL(url.href);
  conn.search = "";
  const bad = (reason: string) => new InvalidArgumentError(`${redactUrl(url)}: ${reason}`);
  const socketDir = params.get("host") ?? (env.PGHOST?.startsWith("/") ? env.PGHOST : undefined);
  if (params.has("host") && (conn.hostname || !socketDir?.startsWith("/"))) {
    throw bad("host= is a Unix-socket directory (an absolute path) for a URL without a host");
  }
  if (env.PGPORT !== undefined && !conn.port && !(/^\d+$/.test(env.PGPORT) && Number(env.PGPORT) <= 65_535)) {
    throw bad("PGPORT is not a port number");
  }
  if (!conn.hostname && socketDir !== undefined) {
    // A URL without a host takes no user, password or port (WHATWG): pg reads them from the query too.
    conn.searchParams.set("host", socketDir);
    if (env.PGPORT) conn.searchParams.set("port", env.PGPORT);
    if (env.PGUSER) conn.searchParams.set("user", env.PGUSER);
    if (env.PGPASSWORD) conn.searchParams.set("password", env.PGPASSWORD);
  } else {
    if (!conn.hostname && env.PGHOST) {
      conn.hostname =
        env.PGHOST.includes(":") && !env.PGHOST.startsWith("[") ? `[${env.PGHOST}]` : env.PGHOST;
      if (!conn.hostname) throw bad("PGHOST is neither a host name nor a socket directory");
    }
    if (!conn.hostname) conn.hostname = "localhost";
    if (!conn.port && env.PGPORT) conn.port = env.PGPORT;
    if (!conn.username && env.PGUSER) conn.username = encodeURIComponent(env.PGUSER);
    if (!conn.password && env.PGPASSWORD) conn.password = encodeURIComponent(env.PGPASSWORD);
  }
  if ((conn.pathname === "" || conn.pathname === "/") && env.PGDATABASE) {
    conn.pathname = `/${encodeURIComponent(env.PGDATABASE)}`;
  }
  if (conn.pathname.split("/").filter(Boolean).length > 1) {
    throw new InvalidArgumentError(`${redactUrl(url)}: the path is the database name only (table: ?table=)`);
  }
  const sslmode = params.get("sslmode") ?? env.PGSSLMODE;
  if (sslmode !== undefined) {
    if (!SSLMODES.includes(sslmode)) {
      const from = params.has("sslmode") ? "sslmode" : "PGSSLMODE";
      throw new InvalidArgumentError(`${redactUrl(url)}: ${from} must be one of ${SSLMODES.join(", ")}`);
    }
    conn.searchParams.set("sslmode", sslmode);
  }
  for (const key of ["sslrootcert", "sslcert", "sslkey"] as const) {
    const value = params.get(key);
    if (value !== undefined) conn.searchParams.set(key, value);
  }
  conn.searchParams.set("application_name", params.get("application_name") ?? env.PGAPPNAME ?? "nodestore");
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
