/**
 * The copy engine of `nodestore migrate`. Flow per scan page (at most `concurrency` pages in flight):
 * shard filter → read (getBytesMany) → remap → write (setBytesMany) → verify → delete from the source →
 * failed ids appended → page marked done in the checkpoint (atomic write) → the page's slot is freed.
 * A page's slot is freed only once the checkpoint records it, so a SIGKILL redoes at most `concurrency` pages.
 */
import type { NodeBackend, RetryPolicy, ScanPage } from "@nodestore/core";
import { CliError, EXIT } from "../exit-codes.js";
import { type ProjectMap, remapNode } from "../remap/remap.js";
import { deleteBatch, isRetryable, readBatch, type WriteEntry, writeBatch } from "./batch.js";
import {
  addCounts,
  CHECKPOINT_VERSION,
  type Checkpoint,
  identityMismatch,
  type MigrateCounts,
  type MigrationIdentity,
  readCheckpoint,
  removeCheckpoint,
  writeCheckpoint,
  zeroCounts,
} from "./checkpoint.js";
import { type FailedId, FailedIdsFile } from "./failed-ids.js";
import { runBounded } from "./pool.js";
import { inShard, type Shard } from "./shard.js";

export interface MigrateOptions {
  readonly source: NodeBackend;
  readonly target: NodeBackend;
  readonly identity: MigrationIdentity;
  readonly since?: Date;
  readonly until?: Date;
  readonly shard?: Shard;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly ioConcurrency: number;
  readonly verify: boolean;
  /** Leave ids the target already has (one batch read of the target per page). */
  readonly skipExisting?: boolean;
  readonly deleteSource: boolean;
  readonly dryRun: boolean;
  readonly remap?: ProjectMap;
  /** Source and target are the same store (an in-place remap): unchanged nodes are neither written nor deleted. */
  readonly sameStore?: boolean;
  readonly checkpointPath: string;
  readonly failedIdsPath: string;
  readonly resume: boolean;
  readonly restart: boolean;
  /** Count the nodes to copy first (a second listing) so progress can show an ETA. */
  readonly countFirst?: boolean;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly onStart?: (info: { readonly total: number | undefined; readonly resumed: boolean }) => void;
  readonly onProgress?: (progress: MigrateProgress) => void;
}

export interface MigrateProgress {
  /** Totals of every page done (earlier runs included). */
  readonly counts: Readonly<MigrateCounts>;
  /** Ids of this shard handled in this run (copied, failed or vanished). */
  readonly processedThisRun: number;
  readonly copiedThisRun: number;
}

export interface MigrateReport extends MigrateCounts {
  readonly dryRun: boolean;
  readonly resumed: boolean;
  readonly interrupted: boolean;
  readonly complete: boolean;
  readonly copiedThisRun: number;
  /** `--dry-run`: nodes that would be copied. */
  readonly wouldCopy?: number;
  readonly seconds: number;
  readonly nodesPerSecond: number;
  readonly checkpoint: string | null;
  readonly failedIdsFile: string | null;
}

interface PageDone {
  readonly cursor: string;
  /** Ids handled by this page (written to the checkpoint's doneAhead while the page is ahead of the cursor). */
  readonly ids: readonly string[];
  /** Ids skipped because an earlier run did them ahead of its cursor. */
  readonly aheadHits: readonly string[];
}

export async function migrate(options: MigrateOptions): Promise<MigrateReport> {
  const started = performance.now();
  const { source, target, identity, dryRun } = options;
  if (source.scan === undefined) {
    throw new CliError(
      `${identity.from}: the ${source.name} backend cannot list its nodes (no scan)`,
      EXIT.usage,
    );
  }
  if (options.deleteSource && !options.verify) {
    throw new CliError(
      "--delete-source needs --verify (a source node is deleted only once its copy matches)",
      EXIT.usage,
    );
  }

  // The checkpoint: fresh, resumed or refused.
  let previous = readCheckpoint(options.checkpointPath);
  if (options.restart) {
    if (previous && !dryRun) removeCheckpoint(options.checkpointPath);
    previous = undefined;
  } else if (options.resume) {
    if (previous === undefined)
      throw new CliError(`--resume: no checkpoint at ${options.checkpointPath}`, EXIT.usage);
    const why = identityMismatch(previous, identity);
    if (why) throw new CliError(`cannot resume ${options.checkpointPath}: ${why}`, EXIT.usage);
  } else if (previous) {
    if (!dryRun) {
      throw new CliError(
        `checkpoint ${options.checkpointPath} exists: use --resume to continue it or --restart to start over`,
        EXIT.usage,
      );
    }
    previous = undefined;
  }
  const resumed = previous !== undefined;
  const since = previous?.sinceAt ? new Date(previous.sinceAt) : options.since;
  const until = previous?.untilAt ? new Date(previous.untilAt) : options.until;

  const totals: MigrateCounts = previous ? { ...previous.counts } : zeroCounts();
  let cursor: string | null = previous?.cursor ?? null;
  /** Ids an earlier run did ahead of its cursor, not yet passed by this run's committed cursor. */
  const oldAhead = new Set(previous?.doneAhead ?? []);
  const failedIds = new FailedIdsFile(dryRun ? undefined : options.failedIdsPath, { append: resumed });
  let complete = false;

  const save = () => {
    if (dryRun) return;
    const doneAhead = [...oldAhead];
    for (const page of ahead.values()) doneAhead.push(...page.ids);
    const checkpoint: Checkpoint = {
      version: CHECKPOINT_VERSION,
      ...identity,
      remap: identity.remap.map(([a, b]) => [a, b] as const),
      sinceAt: since?.toISOString() ?? null,
      untilAt: until?.toISOString() ?? null,
      cursor,
      doneAhead,
      complete,
      counts: totals,
      updatedAt: new Date().toISOString(),
    };
    writeCheckpoint(options.checkpointPath, checkpoint);
  };

  // Pages done out of order, by sequence number; `next` is the first page not yet done.
  const ahead = new Map<number, PageDone>();
  let next = 0;
  const commit = (seq: number, page: PageDone, counts: Partial<MigrateCounts>, failures: FailedId[]) => {
    failedIds.record(failures);
    addCounts(totals, counts);
    ahead.set(seq, page);
    for (let done = ahead.get(next); done !== undefined; done = ahead.get(next)) {
      ahead.delete(next);
      cursor = done.cursor;
      for (const id of done.aheadHits) oldAhead.delete(id);
      next++;
    }
    save();
  };

  const scanOptions = { since, until, pageSize: options.batchSize, signal: options.signal };
  const mine = (id: string) => inShard(id, options.shard) && !oldAhead.has(id);
  let total: number | undefined;
  if (options.countFirst) {
    total = 0;
    for await (const page of source.scan({ ...scanOptions, after: cursor ?? undefined })) {
      for (const node of page.nodes) if (mine(node.id)) total++;
    }
  }
  options.onStart?.({ total, resumed });
  if (!resumed) save();

  let processedThisRun = 0;
  let copiedThisRun = 0;
  let wouldCopy = 0;
  const progress = () => options.onProgress?.({ counts: totals, processedThisRun, copiedThisRun });

  const processPage = async (page: ScanPage, seq: number): Promise<void> => {
    const ids: string[] = [];
    const aheadHits: string[] = [];
    let skippedShard = 0;
    let storedBytes = 0;
    const seen = new Set<string>();
    for (const node of page.nodes) {
      if (oldAhead.has(node.id)) aheadHits.push(node.id);
      else if (!inShard(node.id, options.shard)) skippedShard++;
      else if (!seen.has(node.id)) {
        // An id listed twice in one page (a backend keeping several copies) is copied once.
        seen.add(node.id);
        ids.push(node.id);
        storedBytes += node.storedBytes ?? 0;
      }
    }
    const counts: Partial<MigrateCounts> = { listed: page.nodes.length - aheadHits.length, skippedShard };
    if (dryRun) {
      wouldCopy += ids.length;
      processedThisRun += ids.length;
      addCounts(totals, { ...counts, bytes: storedBytes });
      cursor = page.cursor;
      progress();
      return;
    }
    const read = await readBatch(source, ids, options);
    const failures = [...read.failed];
    const entries: WriteEntry[] = [];
    let remapped = 0;
    let unchangedByRemap = 0;
    for (const [id, bytes] of read.found) {
      if (options.remap === undefined) {
        entries.push({ sourceId: id, id, bytes });
        continue;
      }
      const result = remapNode(id, bytes, options.remap);
      if (result.kind === "remapped") {
        remapped++;
        entries.push({ sourceId: id, id: result.id, bytes: result.bytes });
      } else if (result.kind === "failed") {
        failures.push({ id, reason: result.reason });
      } else {
        unchangedByRemap++;
        if (!options.sameStore) entries.push({ sourceId: id, id, bytes });
      }
    }
    const written = await writeBatch(target, entries, options);
    failures.push(...written.failed);
    let deletedSource = 0;
    if (options.deleteSource) {
      // Same store: an unchanged node's copy *is* the source; only remapped nodes leave their old id.
      const doomed = written.done
        .filter((e) => !(options.sameStore && e.id === e.sourceId))
        .map((e) => e.sourceId);
      await deleteBatch(source, doomed, options);
      deletedSource = doomed.length;
    }
    processedThisRun += ids.length;
    copiedThisRun += written.written;
    commit(
      seq,
      { cursor: page.cursor, ids, aheadHits },
      {
        ...counts,
        copied: written.written,
        vanished: read.vanished,
        failed: failures.length,
        verified: written.verified,
        mismatched: written.mismatched,
        keptExisting: written.keptExisting,
        deletedSource,
        remapped,
        unchangedByRemap,
        bytes: written.bytes,
      },
      failures,
    );
    progress();
  };

  let interrupted = false;
  try {
    const run = await runBounded(
      source.scan({ ...scanOptions, after: cursor ?? undefined }),
      dryRun ? 1 : options.concurrency,
      processPage,
      options.signal,
    );
    interrupted = run.interrupted;
  } catch (error) {
    save();
    if (options.signal?.aborted) interrupted = true;
    else if (isRetryable(error)) {
      throw new CliError(
        `${firstLine(error)} — stopped after retries; the checkpoint is saved: run again with --resume`,
        EXIT.unavailable,
      );
    } else throw error;
  }
  if (!interrupted) {
    complete = true;
    oldAhead.clear();
  }
  save();

  const seconds = (performance.now() - started) / 1000;
  return {
    ...totals,
    ...(dryRun ? { copied: 0, wouldCopy } : {}),
    dryRun,
    resumed,
    interrupted,
    complete,
    copiedThisRun,
    seconds: Math.round(seconds * 1000) / 1000,
    nodesPerSecond: seconds > 0 ? Math.round((dryRun ? processedThisRun : copiedThisRun) / seconds) : 0,
    checkpoint: dryRun ? null : options.checkpointPath,
    failedIdsFile: failedIds.count > 0 ? (failedIds.path ?? null) : null,
  };
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split("\n", 1)[0]!;
