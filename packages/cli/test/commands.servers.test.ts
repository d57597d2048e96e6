/**
 * get / put / delete / stats / bootstrap / cleanup against real servers: Postgres (Sentry's nodestore_node, in
 * a scratch schema) and S3 (SeaweedFS), through the backends' `postgres://` and `s3://` URLs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { s3Env, serviceEnv } from "@nodestore/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, dirWith } from "./helpers-commands/index.js";

// biome-ignore lint/suspicious/noExplicitAny: a JSON report checked field by field
type Stats = Record<string, any>;

// pg is django-pg's dependency, not ours: resolved through it (the test only ages rows and counts them).
interface Pool {
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}
const pg = createRequire(createRequire(import.meta.url).resolve("@nodestore/django-pg"))("pg") as {
  Pool: new (options: { connectionString?: string; max: number }) => Pool;
};

const SECRET = `pw-${randomBytes(6).toString("hex")}`;

async function hasStoreUrl(pkg: string): Promise<boolean> {
  try {
    return (await import(pkg)).storeUrl !== undefined;
  } catch {
    return false;
  }
}

const pgUrl = serviceEnv("NODESTORE_PG_URL");
const pgReady = pgUrl !== undefined && (await hasStoreUrl("@nodestore/django-pg"));

describe.runIf(pgReady)("on PostgreSQL (NODESTORE_PG_URL)", () => {
  const schema = `nscli_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  let pool: Pool;
  let dir: string;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
    await pool.query(`CREATE SCHEMA ${schema}`);
    dir = dirWith({
      "nodestore.config.json": JSON.stringify({ stores: { pg: { url: pgUrl, options: { schema } } } }),
      "event.json": '{"event_id":"abc","level":1.0,"n":12345678901234567890}',
    });
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
  });

  it("bootstrap, put, get (pretty, --json, --raw), delete", async () => {
    const boot = await cli(["bootstrap", "pg"], { cwd: dir });
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stdout).toBe("pg: bootstrapped (django-pg)\n");
    const id = randomBytes(16).toString("hex");
    const put = await cli(["put", id, "event.json", "-s", "pg"], { cwd: dir });
    expect(put.code, put.stderr).toBe(0);
    const got = await cli(["get", id, "-s", "pg", "--json"], { cwd: dir });
    expect(got.stdout).toBe('{"event_id":"abc","level":1.0,"n":12345678901234567890}\n');
    const raw = await cli(["get", id, "-s", "pg", "--raw"], { cwd: dir });
    expect(raw.stdoutBytes.toString("latin1")).toBe(
      '{"event_id":"abc","level":1.0,"n":12345678901234567890}',
    );
    const tooLong = await cli(["get", "x".repeat(41), "-s", "pg"], { cwd: dir });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/longer than 40 characters/);
    expect((await cli(["delete", id, "-s", "pg"], { cwd: dir })).code).toBe(0);
    expect((await cli(["get", id, "-s", "pg"], { cwd: dir })).code).toBe(1);
  });

  it("stats, then cleanup --days: a dry run, then --execute", async () => {
    for (let i = 0; i < 30; i++) {
      const r = await cli(["put", `${i < 10 ? "old" : "new"}-${i}`, "-s", "pg"], {
        cwd: dir,
        stdin: JSON.stringify({ i, text: "lorem ipsum ".repeat(40 + i) }),
      });
      expect(r.code, r.stderr).toBe(0);
    }
    await pool.query(
      `UPDATE ${schema}.nodestore_node SET timestamp = now() - interval '100 days' WHERE id LIKE 'old-%'`,
    );
    const stats = await cli(["stats", "--from", "pg", "--sample", "10", "--json"], { cwd: dir });
    expect(stats.code, stats.stderr).toBe(0);
    const s = stats.json<Stats>();
    expect(s.nodes).toBe(30);
    expect(s.sample.read).toBe(10);
    expect(s.sample.decompressedBytes).toBeGreaterThan(0);
    if (s.storedBytes !== null) expect(s.sample.ratio).toBeGreaterThan(1);

    const dry = await cli(["cleanup", "pg", "--days", "30", "--json"], { cwd: dir });
    expect(dry.code, dry.stdout).toBe(0);
    expect(dry.json()).toMatchObject({ dryRun: true, wouldDelete: 10, backend: "django-pg" });
    const count = async () =>
      Number((await pool.query(`SELECT count(*) AS n FROM ${schema}.nodestore_node`)).rows[0]!.n);
    expect(await count()).toBe(30);
    const run = await cli(["cleanup", "pg", "--days", "30", "--execute"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^deleted 10 nodes from pg in \d+ batch/);
    expect(await count()).toBe(20);
  });

  it("a wrong password in the URL never appears in the output", async () => {
    const url = new URL(pgUrl!);
    url.username = url.username || "postgres";
    url.password = SECRET;
    url.hostname = "127.0.0.1";
    for (const json of [false, true]) {
      const r = await cli(["get", "abc", "-s", url.href, ...(json ? ["--json"] : [])]);
      expect(r.code).not.toBe(0);
      expect(r.all).not.toContain(SECRET);
      expect(r.all.trim().split("\n")).toHaveLength(1);
    }
  });
});
if (!pgReady) {
  it.skip(
    pgUrl === undefined
      ? "PostgreSQL: NODESTORE_PG_URL is not set"
      : "PostgreSQL: @nodestore/django-pg exports no storeUrl yet (pnpm --filter @nodestore/django-pg build)",
    () => {},
  );
}

const s3 = s3Env();
const s3Ready = s3 !== undefined && (await hasStoreUrl("@nodestore/s3"));

describe.runIf(s3Ready)("on S3 (NODESTORE_S3_*)", () => {
  const bucket = `cli-stats-${randomBytes(4).toString("hex")}`;
  const url = () =>
    `s3://${bucket}/nodestore?endpoint=${encodeURIComponent(s3!.endpoint)}&region=${encodeURIComponent(s3!.region)}`;
  const env = () => ({ AWS_ACCESS_KEY_ID: s3!.accessKeyId, AWS_SECRET_ACCESS_KEY: s3!.secretAccessKey });

  it("bootstrap, put, stats (sizes from the listing, a ratio from the sample), cleanup exits 2", async () => {
    const boot = await cli(["bootstrap", url()], { env: env() });
    expect(boot.code, boot.all).toBe(0);
    for (let i = 0; i < 20; i++) {
      const r = await cli(["put", randomBytes(16).toString("hex"), "-s", url()], {
        env: env(),
        stdin: JSON.stringify({ i, text: "lorem ipsum dolor ".repeat(100) }),
      });
      expect(r.code, r.all).toBe(0);
    }
    const stats = await cli(["stats", "--from", url(), "--json"], { env: env() });
    expect(stats.code, stats.all).toBe(0);
    const s = stats.json<Stats>();
    expect(s).toMatchObject({ nodes: 20, backend: "s3" });
    expect(s.storedBytes).toBeGreaterThan(0);
    expect(s.sample.read).toBe(20);
    expect(s.sample.ratio).toBeGreaterThan(2); // zstd on repetitive text
    const cleanup = await cli(["cleanup", url(), "--days", "90"], { env: env() });
    expect(cleanup.code).toBe(2);
    expect(cleanup.stderr).toMatch(/lifecycle rule/);
    expect(stats.all + cleanup.all).not.toContain(
      s3!.secretAccessKey.length >= 8 ? s3!.secretAccessKey : "\0",
    );
  });
});
if (!s3Ready) {
  it.skip(
    s3 === undefined
      ? "S3: NODESTORE_S3_ENDPOINT (and NODESTORE_S3_ACCESS_KEY, NODESTORE_S3_SECRET_KEY, NODESTORE_S3_REGION) not set"
      : "S3: @nodestore/s3 exports no storeUrl yet (pnpm --filter @nodestore/s3 build)",
    () => {},
  );
}
