import { resolve } from "node:path";
import type { Command } from "commander";
import { ArchiveWriter } from "../archive/io.js";
import { type ExportReport, exportNodes } from "../archive/transfer.js";
import type { CliContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { FailedIdsFile } from "../migrate/failed-ids.js";
import { checkWindow, parseTime, positiveIntOption, type TimeBound } from "../migrate/options.js";
import { createProgress } from "../migrate/progress.js";

interface ExportFlags {
  from: string;
  since?: TimeBound;
  until?: TimeBound;
  batchSize: number;
  concurrency: number;
  ioConcurrency: number;
  failedIds?: string;
  force?: boolean;
}

const EXAMPLES = `
Examples:
  nodestore export --from postgres://sentry@db/sentry nodes.nsa.zst
  nodestore export --from s3-eu --since 2024-05-01 --until 2024-06-01 may.nsa.zst
  nodestore export --from pg - | ssh backup 'cat > nodes.nsa.zst'

The archive format is documented in the README ("Archive format"). Exit codes: 0 done, 1 some nodes could
not be read (failed-ids file), 2 bad usage, 3 store unreachable, 4 other failure, 130 interrupted (the
partial archive has no end record, so import rejects it).`;

export function register(program: Command, ctx: CliContext): void {
  program
    .command("export")
    .summary("write every node of a store to one zstd-compressed archive")
    .description(
      'Stream (id, timestamp, raw node bytes) of every node of --from into FILE ("-" = stdout), zstd-compressed.',
    )
    .argument("<file>", 'archive to write ("-" for stdout)')
    .requiredOption("--from <store>", "source store: URL or config name")
    .option(
      "--since <time>",
      "only nodes last written at/after: ISO date/time or age (30d, 12h)",
      parseTime("--since"),
    )
    .option("--until <time>", "only nodes last written before: ISO date/time or age", parseTime("--until"))
    .option(
      "--batch-size <n>",
      "nodes per scan page and read call",
      positiveIntOption("--batch-size", 10_000),
      500,
    )
    .option("--concurrency <n>", "batches read at once", positiveIntOption("--concurrency", 256), 4)
    .option(
      "--io-concurrency <n>",
      "parallel single reads inside a batch, for backends without batch calls (S3)",
      positiveIntOption("--io-concurrency", 1024),
      16,
    )
    .option(
      "--failed-ids <file>",
      "ids that could not be read, `id<TAB>reason` per line (default: FILE.failed.tsv)",
    )
    .option("--force", "overwrite FILE if it exists")
    .addHelpText("after", EXAMPLES)
    .action(async (file: string, flags: ExportFlags) => {
      checkWindow(flags.since, flags.until);
      const from = await ctx.open(flags.from);
      const failedPath = flags.failedIds
        ? resolve(ctx.io.cwd, flags.failedIds)
        : resolve(ctx.io.cwd, file === "-" ? "nodestore-export.failed.tsv" : `${file}.failed.tsv`);
      const writer = ArchiveWriter.open(
        file,
        ctx.io,
        {
          createdAt: new Date().toISOString(),
          source: from.label,
          since: flags.since?.date.toISOString() ?? null,
          until: flags.until?.date.toISOString() ?? null,
          tool: "@nodestore/cli",
        },
        { force: flags.force === true },
      );
      const progress = createProgress({
        stderr: ctx.io.stderr,
        interactive: ctx.io.interactive,
        quiet: ctx.json,
        verb: "exporting",
      });
      progress.start(undefined);
      let report: ExportReport;
      try {
        report = await exportNodes({
          source: from.backend,
          sourceLabel: from.label,
          writer,
          since: flags.since?.date,
          until: flags.until?.date,
          batchSize: flags.batchSize,
          concurrency: flags.concurrency,
          ioConcurrency: flags.ioConcurrency,
          failedIds: new FailedIdsFile(failedPath, { append: false }),
          signal: ctx.io.signal,
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.stop();
      }
      const human = [
        `export ${from.label} -> ${file === "-" ? "stdout" : file}: ${report.interrupted ? "interrupted (the archive is incomplete)" : "done"} in ${report.seconds}s`,
        `  listed ${report.listed}, exported ${report.exported} (${report.bytes} bytes, ${report.nodesPerSecond} nodes/s), vanished ${report.vanished}, failed ${report.failed}`,
        ...(report.failedIdsFile ? [`  failed ids ${report.failedIdsFile}`] : []),
      ].join("\n");
      const text = ctx.json ? JSON.stringify(report) : human;
      // The archive may be stdout: the report then goes to stderr.
      (file === "-" ? ctx.io.stderr : ctx.io.stdout).write(`${text}\n`);
      if (report.interrupted) ctx.exitCode = EXIT.interrupted;
      else if (report.failed > 0) ctx.exitCode = EXIT.partial;
    });
}
