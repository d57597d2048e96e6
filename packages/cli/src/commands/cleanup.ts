import type { NodeBackend } from "@nodestore/core";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import { examples, intArg } from "../output/args.js";
import { instant, plural } from "../output/format.js";
import { counter } from "../output/progress.js";

interface CleanupOptions {
  readonly days: number;
  readonly execute?: boolean;
}

const DAY_MS = 86_400_000;

export function register(program: Command, ctx: CliContext): void {
  program
    .command("cleanup")
    .summary("delete nodes older than N days (dry run unless --execute)")
    .description(
      "Sentry's `sentry cleanup --days N` for the nodestore, with each backend's own semantics:\n" +
        "  Postgres    deletes nodestore_node rows whose timestamp is before now - N days, in batches\n" +
        "              (the space is reused by new rows; VACUUM FULL or pg_repack gives it back to the disk)\n" +
        "  OpenSearch  drops whole daily indices whose UTC day ended before the cutoff (the cutoff's own day stays,\n" +
        "              unless the URL says cleanupPrecision=exact)\n" +
        "  S3          none: retention is a bucket lifecycle rule (exit 2 with the hint); listingCleanup=true in the\n" +
        "              URL lists and deletes objects by LastModified instead\n" +
        "  Tablestore  none: retention is the table's time to live (defaultTtl + automaticExpiry)\n" +
        "Without --execute nothing is deleted: it counts what would go (a scan up to the cutoff) and says how.",
    )
    .argument("<store>", "store URL or config name")
    .requiredOption(
      "--days <n>",
      "keep the last N days (Sentry's SENTRY_EVENT_RETENTION_DAYS, usually 90)",
      intArg(1),
    )
    .option("--execute", "really delete (default: a dry run)")
    .addHelpText(
      "after",
      examples([
        ["nodestore cleanup postgres://postgres@localhost/postgres --days 90", "what would go (dry run)"],
        ["nodestore cleanup postgres://postgres@localhost/postgres --days 90 --execute", "delete it"],
        [
          "nodestore cleanup opensearch://localhost:9200 --days 30 --execute --json",
          "drop daily indices, JSON report",
        ],
      ]),
    )
    .action(async (spec: string, options: CleanupOptions) => {
      const { backend, store, label } = await ctx.open(spec);
      const cutoff = new Date(Date.now() - options.days * DAY_MS);
      if (backend.cleanup === undefined) {
        throw new CliError(`${label}: ${noCleanupHint(backend, options.days)}`, EXIT.usage, "NOT_SUPPORTED");
      }
      const how = semantics(backend, cutoff);
      if (!options.execute) {
        const scanCutoff = effectiveCutoff(backend, cutoff);
        const wouldDelete = await countBefore(ctx, backend, label, scanCutoff);
        ctx.print(
          [
            `dry run: nothing deleted. ${label} (${backend.name}), cutoff ${instant(cutoff)} (${options.days} days ago)`,
            `would delete: ${wouldDelete === null ? "unknown (this backend cannot list its nodes)" : plural(wouldDelete, "node")}${scanCutoff.getTime() !== cutoff.getTime() ? ` (last written before ${instant(scanCutoff)})` : ""}`,
            `how: ${how}`,
            "run again with --execute to delete",
          ].join("\n"),
          {
            dryRun: true,
            store: label,
            backend: backend.name,
            cutoff: cutoff.toISOString(),
            days: options.days,
            wouldDelete,
            countedBefore: scanCutoff.toISOString(),
            semantics: how,
          },
        );
        return;
      }
      ctx.io.signal.throwIfAborted();
      ctx.note(`cleanup ${label}: deleting what was last written before ${instant(cutoff)}; ${how}`);
      const progress = counter(ctx, `cleanup ${label}`, "deleted");
      let result: { deleted: number; batches: number };
      try {
        result = await store.cleanup(cutoff, {
          signal: ctx.io.signal,
          onProgress: (p) => progress.update(p.deleted),
        });
      } finally {
        progress.stop();
      }
      ctx.print(
        `deleted ${plural(result.deleted, "node")} from ${label} in ${plural(result.batches, "batch", "batches")} (cutoff ${instant(cutoff)})`,
        {
          dryRun: false,
          store: label,
          backend: backend.name,
          cutoff: cutoff.toISOString(),
          days: options.days,
          ...result,
        },
      );
    });
}

/** Where counting stops so the dry run matches what the backend deletes. */
function effectiveCutoff(backend: NodeBackend, cutoff: Date): Date {
  if (backend.name === "opensearch" && precisionOf(backend) !== "exact") {
    // Whole days only: an index goes when its UTC day ended at or before the cutoff.
    return new Date(Math.floor(cutoff.getTime() / DAY_MS) * DAY_MS);
  }
  return cutoff;
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

function precisionOf(backend: NodeBackend): string | undefined {
  return (backend as { options?: { cleanupPrecision?: string } }).options?.cleanupPrecision;
}

function semantics(backend: NodeBackend, cutoff: Date): string {
  switch (backend.name) {
    case "django-pg":
      return "DELETE FROM nodestore_node WHERE timestamp < cutoff, in batches of cleanupBatchSize rows (default 10,000); the table does not shrink on disk until VACUUM FULL / pg_repack";
    case "opensearch":
      return precisionOf(backend) === "exact"
        ? `drops the daily indices of days before ${day(cutoff)}, then deletes by query the documents of ${day(cutoff)} written before the cutoff`
        : `drops whole daily indices (sentry-…-YYYY-MM-DD) of days before ${day(cutoff)}; the cutoff's own day stays`;
    case "s3":
      return "lists the objects and deletes those whose LastModified is before the cutoff (listingCleanup), in DeleteObjects batches";
    case "memory":
      return "deletes the nodes last written before the cutoff";
    default:
      return `the ${backend.name} backend's own cleanup of nodes last written before the cutoff`;
  }
}

function noCleanupHint(backend: NodeBackend, days: number): string {
  switch (backend.name) {
    case "s3":
      return (
        `S3 stores have no cleanup: retention is a bucket lifecycle rule (Expiration Days = ${days}, Sentry's ` +
        `SENTRY_EVENT_RETENTION_DAYS), e.g. s3cmd expire s3://BUCKET --expiry-days=${days}, or ` +
        "aws s3api put-bucket-lifecycle-configuration; or add listingCleanup=true to the URL to list and delete by LastModified"
      );
    case "tablestore":
      return "Tablestore stores have no cleanup: retention is the table's time to live (URL defaultTtl=SECONDS&automaticExpiry=true, then nodestore bootstrap)";
    default:
      return `the ${backend.name} backend has no cleanup (its storage manages retention)`;
  }
}

async function countBefore(
  ctx: CliContext,
  backend: NodeBackend,
  label: string,
  until: Date,
): Promise<number | null> {
  ctx.io.signal.throwIfAborted();
  if (backend.scan === undefined) return null;
  const progress = counter(ctx, `counting ${label}`);
  let n = 0;
  try {
    for await (const page of backend.scan({ until, signal: ctx.io.signal })) {
      n += page.nodes.length;
      progress.update(n);
    }
  } finally {
    progress.stop();
  }
  return n;
}
