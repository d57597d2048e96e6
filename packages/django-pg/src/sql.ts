/** SQL for Sentry's `nodestore_node` table. Identifiers are quoted; values always go as parameters. */

export function quoteIdent(name: string): string {
  if (name.length === 0 || name.length > 63 || name.includes("\0")) {
    throw new Error(`invalid PostgreSQL identifier ${JSON.stringify(name)}`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

export interface TableName {
  readonly schema: string | undefined;
  readonly table: string;
}

export function qualified({ schema, table }: TableName): string {
  return schema === undefined ? quoteIdent(table) : `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

export function statements(name: TableName) {
  const t = qualified(name);
  const indexName = quoteIdent(`${name.table}_timestamp`.slice(0, 63));
  return {
    /** As Sentry's migrations create it (id varchar(40) PK, data text, timestamp timestamptz indexed). */
    create: [
      `CREATE TABLE IF NOT EXISTS ${t} (id varchar(40) NOT NULL PRIMARY KEY, data text NOT NULL, "timestamp" timestamp with time zone NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${indexName} ON ${t} USING btree ("timestamp")`,
    ],
    exists: "SELECT to_regclass($1) IS NOT NULL AS exists",
    get: `SELECT data FROM ${t} WHERE id = $1`,
    getMany: `SELECT id, data FROM ${t} WHERE id = ANY($1::varchar[])`,
    // Same net effect as Django's update-then-insert (`create_or_update`), in one round trip.
    upsert: `INSERT INTO ${t} (id, data, "timestamp") VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, "timestamp" = EXCLUDED."timestamp"`,
    upsertMany: `INSERT INTO ${t} (id, data, "timestamp") SELECT id, data, $3 FROM unnest($1::varchar[], $2::text[]) AS n(id, data) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, "timestamp" = EXCLUDED."timestamp"`,
    delete: `DELETE FROM ${t} WHERE id = $1`,
    deleteMany: `DELETE FROM ${t} WHERE id = ANY($1::varchar[])`,
    // Sentry's BulkDeleteQuery: one bounded statement per batch, each its own transaction.
    cleanupBatch: `DELETE FROM ${t} WHERE id = ANY(ARRAY(SELECT id FROM ${t} WHERE "timestamp" < $1 LIMIT $2))`,
    size: `SELECT pg_total_relation_size($1::regclass)::bigint AS bytes, (SELECT count(*) FROM ${t})::bigint AS rows`,
    vacuum: `VACUUM (ANALYZE) ${t}`,
    vacuumFull: `VACUUM (FULL, ANALYZE) ${t}`,
  };
}
