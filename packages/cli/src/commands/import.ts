import { resolve } from "node:path";
import type { Command } from "commander";
import { readArchiveFile } from "../archive/io.js";
import { type ImportReport, importNodes } from "../archive/transfer.js";
import type { CliContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { FailedIdsFile } from "../migrate/failed-ids.js";
import { checkWindow, parseTime, positiveIntOption, type TimeBound } from "../migrate/options.js";
import { createProgress } from "../migrate/progress.js";
import { collectRemap } from "../remap/remap.js";

interface ImportFlags {
  to: string;
  since?: TimeBound;
  until?: TimeBound;
  batchSize: number;
  concurrency: number;
  ioConcurrency: number;
  failedIds?: string;
  verify?: boolean;
  dryRun?: boolean;
  remapProject?: Map<string, string>;
}

const EXAMPLES = `
Examples:
  nodestore import nodes.nsa.zst --to 's3://sentry-nodestore/nodes?region=eu-west-1' --verify
  ssh backup 'cat nodes.nsa.zst' | nodestore import - --to opensearch://search:9200
  nodestore import nodes.nsa.zst --to memory: --dry-run      # check an archive end to end

Nodes get the target's own write time (the archived timestamp is not restored). Exit codes: 0 done, 1 some
nodes failed (failed-ids file), 2 bad usage, 3 store unreachable, 4 damaged or truncated archive / other
failure, 130 interrupted.`;

export function register(program: Command, ctx: CliContext): void {
  program
    .command("import")
    .summary("write every node of an archive (from `nodestore export`) to a store")
    .description('Read FILE ("-" = stdin), a zstd-compressed nodestore archive, and write its nodes to --to.')
    .argument("<file>", 'archive to read ("-" for stdin)')
    .requiredOption("--to <store>", "target store: URL or config name")
    .option("--since <time>", "only records whose timestamp is at/after", parseTime("--since"))
    .option("--until <time>", "only records whose timestamp is before", parseTime("--until"))
    .option("--batch-size <n>", "nodes per write call", positiveIntOption("--batch-size", 10_000), 500)
    .option("--concurrency <n>", "batches written at once", positiveIntOption("--concurrency", 256), 4)
    .option(
      "--io-concurrency <n>",
      "parallel single writes inside a batch, for backends without batch calls (S3)",
      positiveIntOption("--io-concurrency", 1024),
      16,
    )
    .option("--verify", "re-read every written node and compare bytes")
    .option(
      "--remap-project <old:new>",
      "store event nodes of project OLD as project NEW (repeatable)",
      collectRemap,
    )
    .option("--dry-run", "read and check the whole archive; write nothing")
    .option(
      "--failed-ids <file>",
      "ids that failed, `id<TAB>reason` per line (default: ./nodestore-import.failed.tsv)",
    )
    .addHelpText("after", EXAMPLES)
    .action(async (file: string, flags: ImportFlags) => {
      checkWindow(flags.since, flags.until);
      const to = await ctx.open(flags.to);
      const failedPath = resolve(ctx.io.cwd, flags.failedIds ?? "nodestore-import.failed.tsv");
      const progress = createProgress({
        stderr: ctx.io.stderr,
        interactive: ctx.io.interactive,
        quiet: ctx.json,
        verb: flags.dryRun ? "checking" : "importing",
      });
      progress.start(undefined);
      let report: ImportReport;
      try {
        report = await importNodes({
          target: to.backend,
          records: readArchiveFile(file, ctx.io),
          verify: flags.verify === true,
          dryRun: flags.dryRun === true,
          since: flags.since?.date,
          until: flags.until?.date,
          remap: flags.remapProject,
          batchSize: flags.batchSize,
          concurrency: flags.concurrency,
          ioConcurrency: flags.ioConcurrency,
          failedIds: new FailedIdsFile(flags.dryRun ? undefined : failedPath, { append: false }),
          signal: ctx.io.signal,
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.stop();
      }
      const r = report;
      const human = [
        `import ${file === "-" ? "stdin" : file} -> ${to.label}: ${r.interrupted ? "interrupted" : r.dryRun ? "checked (dry run)" : "done"} in ${r.seconds}s`,
        `  records ${r.records}, ${r.dryRun ? "would import" : "imported"} ${r.imported} (${r.bytes} bytes, ${r.nodesPerSecond} nodes/s), failed ${r.failed}${r.skippedWindow ? `, outside the window ${r.skippedWindow}` : ""}`,
        ...(r.verified || r.mismatched ? [`  verified ${r.verified}, mismatched ${r.mismatched}`] : []),
        ...(r.remapped || r.unchangedByRemap
          ? [`  remapped ${r.remapped}, unchanged by remap ${r.unchangedByRemap}`]
          : []),
        ...(r.failedIdsFile ? [`  failed ids ${r.failedIdsFile}`] : []),
      ].join("\n");
      ctx.print(human, r);
      if (r.interrupted) ctx.exitCode = EXIT.interrupted;
      else if (r.failed > 0 || r.mismatched > 0) ctx.exitCode = EXIT.partial;
    });
}
