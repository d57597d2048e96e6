import { resolve } from "node:path";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import {
  defaultCheckpointPath,
  defaultFailedIdsPath,
  type MigrationIdentity,
} from "../migrate/checkpoint.js";
import { type MigrateReport, migrate } from "../migrate/engine.js";
import { checkWindow, parseTime, positiveIntOption, type TimeBound } from "../migrate/options.js";
import { createProgress } from "../migrate/progress.js";
import { parseShard, type Shard, shardText } from "../migrate/shard.js";
import { collectRemap, remapPairs } from "../remap/remap.js";

interface MigrateFlags {
  from: string;
  to: string;
  batchSize: number;
  concurrency: number;
  ioConcurrency: number;
  checkpoint?: string;
  resume?: boolean;
  restart?: boolean;
  failedIds?: string;
  verify?: boolean;
  skipExisting?: boolean;
  deleteSource?: boolean;
  dryRun?: boolean;
  shard?: Shard;
  since?: TimeBound;
  until?: TimeBound;
  remapProject?: Map<string, string>;
  countFirst?: boolean;
}

const EXAMPLES = `
Examples:
  # Postgres (Sentry's nodestore_node table) to S3, verified; safe to Ctrl-C and run again with --resume
  nodestore migrate --from postgres://sentry@db/sentry --to 's3://sentry-nodestore/nodes?region=us-east-1' --verify

  # split one migration across two machines (each lists everything and copies its half)
  nodestore migrate --from pg --to s3 --shard 0/2 --verify     # machine A
  nodestore migrate --from pg --to s3 --shard 1/2 --verify     # machine B

  # rebuilt Sentry with new project ids: move project 3's events to project 7
  nodestore migrate --from old --to new --remap-project 3:7 --verify

  # what would be copied (writes nothing, not even a checkpoint)
  nodestore migrate --from pg --to s3 --since 30d --dry-run

Exit codes: 0 done, 1 some nodes failed (see the failed-ids file), 2 bad usage, 3 a store stayed
unreachable (checkpoint saved: --resume later), 4 other failure, 130 interrupted (checkpoint saved).`;

export function register(program: Command, ctx: CliContext): void {
  program
    .command("migrate")
    .summary("copy every node from one store to another (resumable, verified, sharded)")
    .description(
      "Copy node bytes from --from to --to without decoding them: bounded parallelism, flat memory, a checkpoint " +
        "after every batch (--resume continues after Ctrl-C or a kill), optional byte-for-byte --verify, " +
        "--delete-source after verification, --shard I/N across processes, --remap-project for rebuilt Sentry.",
    )
    .requiredOption("--from <store>", "source store: URL or config name")
    .requiredOption("--to <store>", "target store: URL or config name")
    .option(
      "--batch-size <n>",
      "nodes per scan page and per batch call",
      positiveIntOption("--batch-size", 10_000),
      500,
    )
    .option("--concurrency <n>", "batches in flight at once", positiveIntOption("--concurrency", 256), 4)
    .option(
      "--io-concurrency <n>",
      "parallel single calls inside a batch, for backends without batch calls (S3)",
      positiveIntOption("--io-concurrency", 1024),
      16,
    )
    .option(
      "--checkpoint <file>",
      "checkpoint file (default ./nodestore-migrate.<hash of from,to,shard,window>.json)",
    )
    .option("--resume", "continue the migration recorded in the checkpoint")
    .option("--restart", "discard an existing checkpoint and start over")
    .option(
      "--failed-ids <file>",
      "where ids that failed go, one `id<TAB>reason` per line (default: next to the checkpoint)",
    )
    .option("--verify", "re-read every copied node from the target and compare bytes")
    .option(
      "--skip-existing",
      "leave ids the target already has (a newer copy written there after the switch); one extra read per batch",
    )
    .option("--delete-source", "delete each source node once its copy is verified (needs --verify)")
    .option("--dry-run", "list and report what would be copied; write nothing")
    .option("--shard <I/N>", "copy only ids with u32be(md5(id)[0..4]) % N == I", parseShard)
    .option(
      "--since <time>",
      "only nodes last written at/after: ISO date/time or age (30d, 12h)",
      parseTime("--since"),
    )
    .option("--until <time>", "only nodes last written before: ISO date/time or age", parseTime("--until"))
    .option(
      "--remap-project <old:new>",
      "store event nodes of project OLD as project NEW (repeatable)",
      collectRemap,
      undefined,
    )
    .option("--count-first", "list once to count the nodes, so progress shows an ETA")
    .addHelpText("after", EXAMPLES)
    .action(async (flags: MigrateFlags) => {
      if (flags.resume && flags.restart)
        throw new CliError("--resume and --restart exclude each other", EXIT.usage);
      if (flags.deleteSource && !flags.verify) {
        throw new CliError(
          "--delete-source needs --verify (a source node is deleted only once its copy matches)",
          EXIT.usage,
        );
      }
      checkWindow(flags.since, flags.until);
      const from = await ctx.open(flags.from);
      const to = await ctx.open(flags.to);
      // `memory:` opens a new, empty store each time (`memory:NAME` the same one): compare backends there.
      const sameStore =
        from.backend === to.backend || (from.label === to.label && from.backend.name !== "memory");
      if (sameStore && flags.remapProject === undefined) {
        throw new CliError(
          "--from and --to are the same store (only useful with --remap-project)",
          EXIT.usage,
        );
      }
      if (sameStore && flags.remapProject) {
        const olds = new Set(flags.remapProject.keys());
        for (const n of flags.remapProject.values()) {
          if (olds.has(n))
            throw new CliError(`--remap-project: in place, ${n} cannot be both OLD and NEW`, EXIT.usage);
        }
      }
      const identity: MigrationIdentity = {
        from: from.label,
        to: to.label,
        shard: shardText(flags.shard),
        since: flags.since?.text ?? null,
        until: flags.until?.text ?? null,
        remap: remapPairs(flags.remapProject),
      };
      const checkpointPath = flags.checkpoint
        ? resolve(ctx.io.cwd, flags.checkpoint)
        : defaultCheckpointPath(ctx.io.cwd, identity);
      const failedIdsPath = flags.failedIds
        ? resolve(ctx.io.cwd, flags.failedIds)
        : defaultFailedIdsPath(checkpointPath);
      const progress = createProgress({
        stderr: ctx.io.stderr,
        interactive: ctx.io.interactive,
        quiet: ctx.json,
        verb: flags.dryRun ? "listing" : "migrating",
      });
      let report: MigrateReport;
      try {
        report = await migrate({
          source: from.backend,
          target: to.backend,
          identity,
          since: flags.since?.date,
          until: flags.until?.date,
          shard: flags.shard,
          batchSize: flags.batchSize,
          concurrency: flags.concurrency,
          ioConcurrency: flags.ioConcurrency,
          verify: flags.verify === true,
          skipExisting: flags.skipExisting === true,
          deleteSource: flags.deleteSource === true,
          dryRun: flags.dryRun === true,
          remap: flags.remapProject,
          sameStore,
          checkpointPath,
          failedIdsPath,
          resume: flags.resume === true,
          restart: flags.restart === true,
          countFirst: flags.countFirst === true,
          signal: ctx.io.signal,
          onStart: ({ total }) => progress.start(total),
          onProgress: (p) =>
            progress.update({
              processed: p.processedThisRun,
              copied: p.copiedThisRun,
              failed: p.counts.failed,
            }),
        });
      } finally {
        progress.stop();
      }
      ctx.print(humanReport(report, from.label, to.label), report);
      if (report.interrupted) ctx.exitCode = EXIT.interrupted;
      else if (report.failed > 0 || report.mismatched > 0) ctx.exitCode = EXIT.partial;
    });
}

function humanReport(r: MigrateReport, from: string, to: string): string {
  const lines: string[] = [];
  const state = r.interrupted ? "interrupted" : r.dryRun ? "dry run" : "done";
  lines.push(`migrate ${from} -> ${to}: ${state}${r.resumed ? " (resumed)" : ""} in ${r.seconds}s`);
  lines.push(`  listed ${r.listed}${r.skippedShard ? `, other shards ${r.skippedShard}` : ""}`);
  if (r.dryRun) {
    lines.push(`  would copy ${r.wouldCopy ?? 0} nodes${r.bytes ? ` (${r.bytes} stored bytes listed)` : ""}`);
    return lines.join("\n");
  }
  lines.push(
    `  copied ${r.copied} (${r.copiedThisRun} in this run, ${r.nodesPerSecond} nodes/s, ${r.bytes} bytes), vanished ${r.vanished}, failed ${r.failed}`,
  );
  if (r.verified || r.mismatched) lines.push(`  verified ${r.verified}, mismatched ${r.mismatched}`);
  if (r.keptExisting) lines.push(`  already in the target, left alone ${r.keptExisting}`);
  if (r.deletedSource) lines.push(`  deleted from source ${r.deletedSource}`);
  if (r.remapped || r.unchangedByRemap)
    lines.push(`  remapped ${r.remapped}, unchanged by remap ${r.unchangedByRemap}`);
  if (r.checkpoint)
    lines.push(`  checkpoint ${r.checkpoint}${r.interrupted ? " (continue with --resume)" : ""}`);
  if (r.failedIdsFile) lines.push(`  failed ids ${r.failedIdsFile}`);
  return lines.join("\n");
}
