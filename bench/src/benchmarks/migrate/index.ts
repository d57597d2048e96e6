/**
 * The migrate benchmark (issue #11): `nodestore migrate` from Postgres (the `pnpm services` PostgreSQL 15, Sentry's
 * `nodestore_node` table) to S3 (SeaweedFS, as self-hosted Sentry ships it), on the bench corpus, beside a bare loop
 * of SELECT + PutObject with the same parallelism, in the same run. Both run as their own processes under
 * `/usr/bin/time`, so peak RSS is measured; the run at 10× the nodes shows whether memory stays flat.
 */
import { randomUUID } from "node:crypto";
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { DjangoPgBackend } from "@nodestore/django-pg";
import { prepareCorpus } from "../providers/corpus.js";
import { type MigrateRun, runBareLoop, runCliMigrate } from "./processes.js";
import { seedNodes } from "./seed.js";
import { MIGRATE_SETTINGS } from "./settings.js";

export interface MigrateBenchOptions {
  readonly quick: boolean;
  readonly corpus: string | undefined;
  readonly count: number | undefined;
  readonly seed: number;
  readonly env?: NodeJS.ProcessEnv;
}

export async function runMigrateBench(args: MigrateBenchOptions) {
  const env = args.env ?? process.env;
  console.log(`\n== migrate benchmark${args.quick ? " (quick)" : ""} ==`);
  const pgUrl = env.NODESTORE_PG_URL;
  const endpoint = env.NODESTORE_S3_ENDPOINT;
  if (!pgUrl || !endpoint || !env.NODESTORE_S3_ACCESS_KEY || !env.NODESTORE_S3_SECRET_KEY) {
    const skip =
      "skipped: needs PostgreSQL 15 and SeaweedFS from `pnpm services up` (NODESTORE_PG_URL, NODESTORE_S3_ENDPOINT, NODESTORE_S3_ACCESS_KEY, NODESTORE_S3_SECRET_KEY)";
    console.log(skip);
    return { skipped: skip };
  }
  const corpus = await prepareCorpus({ path: args.corpus, count: args.count ?? 200, seed: args.seed });
  const base = args.quick ? 1_000 : 5_000;
  const tag = randomUUID().slice(0, 8);
  const s3 = new S3Client({
    endpoint,
    region: env.NODESTORE_S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: env.NODESTORE_S3_ACCESS_KEY, secretAccessKey: env.NODESTORE_S3_SECRET_KEY },
  });
  const bucket = `nsmig-${tag}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  console.log(
    `PostgreSQL ${redact(pgUrl)} → SeaweedFS ${endpoint} bucket ${bucket}; ${corpus.info.events} corpus events cycled; ` +
      `${MIGRATE_SETTINGS.pages} pages of ${MIGRATE_SETTINGS.pageSize} in flight, ${MIGRATE_SETTINGS.puts} PUTs per page`,
  );

  const rows: { nodes: number; cli: MigrateRun; bare: MigrateRun; serverCeiling: number | undefined }[] = [];
  try {
    for (const nodes of [base, base * 10]) rows.push(await runSize(nodes));
  } finally {
    // SeaweedFS drops a bucket with its objects (its collection); other servers may refuse a non-empty one.
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch((error: Error) => {
      console.log(`note: bucket ${bucket} left in place (${error.name}); remove it by hand`);
    });
    s3.destroy();
  }
  return { settings: MIGRATE_SETTINGS, corpus: corpus.info, bucket, rows };

  async function runSize(nodes: number) {
    if (!pgUrl || !endpoint) throw new Error("unreachable: checked above");
    const table = `nsmig_${tag}_${nodes}`;
    const backend = new DjangoPgBackend({ connectionString: pgUrl, table });
    await backend.bootstrap();
    try {
      const seeded = await seedNodes(backend, corpus.encoded, nodes);
      console.log(`seeded ${nodes} nodes (${(seeded.logicalBytes / 1e6).toFixed(1)} MB logical) in ${table}`);
      const target = { endpoint, bucket, env };
      const bare = await runBareLoop({ pgUrl, table, prefix: `bare-${nodes}`, ...target });
      const cli = await runCliMigrate({ pgUrl, table, prefix: `cli-${nodes}`, ...target });
      if (cli.nodes !== nodes || bare.nodes !== nodes) {
        throw new Error(
          `migrate bench: copied ${cli.nodes} (cli) / ${bare.nodes} (bare loop) of ${nodes} nodes`,
        );
      }
      printRow(nodes, cli, bare);
      return { nodes, cli, bare, serverCeiling: serverCeiling(cli) };
    } finally {
      await backend.pool.query(`DROP TABLE IF EXISTS ${table}`);
      await backend.close();
    }
  }
}

function printRow(nodes: number, cli: MigrateRun, bare: MigrateRun): void {
  const rate = (r: MigrateRun) => Math.round(r.nodes / r.seconds);
  console.log(
    `  ${nodes} nodes: nodestore migrate ${rate(cli)} nodes/s, peak RSS ${cli.peakRssMb} MB | ` +
      `bare loop ${rate(bare)} nodes/s, peak RSS ${bare.peakRssMb} MB | ratio ${(rate(cli) / rate(bare)).toFixed(2)}×`,
  );
  for (const [label, run] of [
    ["migrate", cli],
    ["bare loop", bare],
  ] as const) {
    const perNode = (seconds: number) => `${((seconds * 1000) / run.nodes).toFixed(2)} ms`;
    const servers = Object.entries(run.cpu?.servers ?? {}).map(([name, s]) => `${name} ${perNode(s)}`);
    const ceiling = serverCeiling(run);
    console.log(
      `    ${label}: CPU per node: copier ${perNode(run.cpuSeconds)}${servers.length ? `, ${servers.join(", ")}` : ""}` +
        (run.cpu
          ? `; machine ${Math.round(run.cpu.machineBusy * 100)} % busy of ${run.cpu.cores} cores`
          : "") +
        (ceiling ? `; the servers alone would fill the cores at ${ceiling} nodes/s` : ""),
    );
  }
}

/**
 * The rate at which the servers' CPU per node, as measured in this run, would alone fill every core. Not a hard
 * ceiling: a server spends less per request beside a lighter client (put-paths.ts). Undefined without server figures.
 */
export function serverCeiling(run: MigrateRun): number | undefined {
  const servers = Object.values(run.cpu?.servers ?? {});
  if (run.cpu === undefined || servers.length < 2) return undefined;
  const perNode = servers.reduce((a, b) => a + b, 0) / run.nodes;
  return perNode > 0 ? Math.round(run.cpu.cores / perNode) : undefined;
}

const redact = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
