import { NodeStore, zlibBase64 } from "@nodestore/core";
import { redactUrl } from "../options.js";
import type { ProviderFactory, ProviderInstance } from "../types.js";
import { errorMessage, storageResult } from "../util.js";

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Sentry's `nodestore_node` table (@nodestore/django-pg) in a schema of its own (`nsbench_<tag>`), dropped at the
 * end. Requests are counted by wrapping `pool.query` of the pool the backend uses; the bare-pg baseline (issue #4)
 * runs the backend's SQL text through the same pool.
 */
export const djangoPgProvider: ProviderFactory = {
  name: "django-pg",
  packageName: "@nodestore/django-pg",
  async setup(ctx) {
    let mod: typeof import("@nodestore/django-pg");
    let pgLib: typeof import("pg").default;
    try {
      mod = await import("@nodestore/django-pg");
      pgLib = (await import("pg")).default;
    } catch (error) {
      return { skip: `package not built (${errorMessage(error)}): run \`pnpm build\`` };
    }
    const { env, settings } = ctx.options;
    let url: string;
    let source: "user" | "services" | "embedded";
    let origin: string;
    let embeddedDescription: string | undefined;
    if (ctx.options.pg) {
      [url, source, origin] = [ctx.options.pg, "user", "--pg"];
    } else if (env.NODESTORE_BENCH_PG_URL) {
      [url, source, origin] = [env.NODESTORE_BENCH_PG_URL, "user", "NODESTORE_BENCH_PG_URL"];
    } else if (env.NODESTORE_PG_URL) {
      [url, source, origin] = [env.NODESTORE_PG_URL, "services", "NODESTORE_PG_URL, pnpm services"];
    } else if (env.NODESTORE_PG_EMBEDDED_URL) {
      [url, source, origin] = [
        env.NODESTORE_PG_EMBEDDED_URL,
        "services",
        "NODESTORE_PG_EMBEDDED_URL, pnpm services",
      ];
    } else if (ctx.options.embedded) {
      const server = await ctx.embedded.postgres();
      [url, source, origin] = [server.url, "embedded", "embedded"];
      embeddedDescription = server.description;
    } else {
      return {
        skip: "no PostgreSQL configured (--pg URL, NODESTORE_BENCH_PG_URL or `pnpm services up`) and --no-embedded",
      };
    }

    const poolSize = Math.max(...settings.ingestConcurrency, settings.mixed.concurrency, 16);
    const pool = new pgLib.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
    pool.on("error", () => {});
    let requests = 0;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((...args: unknown[]) => {
      requests++;
      return query(...args);
    }) as typeof pool.query;

    const schema = `nsbench_${ctx.runTag}`;
    const table = `${quoteIdent(schema)}.${quoteIdent("nodestore_node")}`;
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

      // The SQL of @nodestore/django-pg (src/sql.ts), for the bare-pg baseline: same statements, no nodestore layer.
      const upsert = `INSERT INTO ${table} (id, data, "timestamp") VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, "timestamp" = EXCLUDED."timestamp"`;
      const getMany = `SELECT id, data FROM ${table} WHERE id = ANY($1::varchar[])`;
      const djangoData = ctx.corpus.derived("django-data", (bytes) => zlibBase64.encode(bytes));

      const shortVersion = version.split(" ")[0]!;
      const where = new URL(url.replace(/^postgres(ql)?:/, "http:"));
      const endpoint = redactUrl(url);
      const description =
        source === "embedded"
          ? `${embeddedDescription}, schema ${schema}, pool of ${poolSize}`
          : `PostgreSQL ${version} at ${where.hostname}:${where.port || 5432}${where.pathname} (from ${origin}), schema ${schema}, pool of ${poolSize}`;

      const instance: ProviderInstance = {
        target: {
          kind: "postgresql",
          version: `PostgreSQL ${shortVersion}`,
          source,
          endpoint,
          description,
        },
        store,
        backend,
        requests: () => requests,
        async scratchStore(name) {
          const other = new NodeStore(
            new mod.DjangoPgBackend({ pool, schema, table: `nodestore_node_${name}` }),
          );
          await other.bootstrap();
          return other;
        },
        async measureStorage(ids, logicalBytes) {
          const after = await relationSizes(pool, table);
          const cols = await pool.query<{ n: string; col: string; len: string; idcol: string }>(
            `SELECT count(*) AS n, sum(pg_column_size(data)) AS col, sum(octet_length(data)) AS len,
                    sum(pg_column_size(id)) AS idcol FROM ${table} WHERE id = ANY($1::varchar[])`,
            [ids],
          );
          const row = cols.rows[0]!;
          const stored = after.total - empty.total;
          return storageResult(
            ids.length,
            logicalBytes,
            stored,
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
        },
        baselines: {
          set: [
            {
              issue: 4,
              id: "bare-pg-set",
              comparisonId: "issue-4-set",
              label: "bare pg upsert loop",
              description:
                "bare pg: pool.query(upsert) of pre-encoded rows (base64(zlib) computed beforehand)",
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
        },
        async dispose() {
          try {
            await pool.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
          } finally {
            await pool.end();
          }
        },
      };
      return instance;
    } catch (error) {
      if (schemaCreated) await pool.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`).catch(() => {});
      await pool.end().catch(() => {});
      throw error;
    }
  },
};

interface RelationSizes {
  total: number;
  heap: number;
  toast: number;
  indexes: number;
}

async function relationSizes(pool: import("pg").Pool, table: string): Promise<RelationSizes> {
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
