/**
 * `export` and `import` over the engine's parts: export lists and reads like `migrate`'s source side and
 * streams records into an archive; import streams records out of one and writes batches like its target side.
 * Both keep at most `concurrency` batches in memory.
 */
import type { NodeBackend, RetryPolicy, ScanPage } from "@nodestore/core";
import { CliError, EXIT } from "../exit-codes.js";
import { type BatchSettings, isRetryable, readBatch, type WriteEntry, writeBatch } from "../migrate/batch.js";
import type { FailedIdsFile } from "../migrate/failed-ids.js";
import { runBounded } from "../migrate/pool.js";
import { type ProjectMap, remapNode } from "../remap/remap.js";
import type { ArchiveRecord } from "./format.js";
import type { ArchiveWriter } from "./io.js";

export interface TransferProgress {
  readonly processed: number;
  readonly copied: number;
  readonly failed: number;
}

interface Common {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly ioConcurrency: number;
  readonly failedIds: FailedIdsFile;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly onProgress?: (progress: TransferProgress) => void;
}

export interface ExportReport {
  readonly listed: number;
  readonly exported: number;
  readonly vanished: number;
  readonly failed: number;
  readonly bytes: number;
  readonly interrupted: boolean;
  readonly seconds: number;
  readonly nodesPerSecond: number;
  readonly failedIdsFile: string | null;
}

export async function exportNodes(
  options: Common & {
    readonly source: NodeBackend;
    readonly sourceLabel: string;
    readonly writer: ArchiveWriter;
    readonly since?: Date;
    readonly until?: Date;
  },
): Promise<ExportReport> {
  const started = performance.now();
  const { source, writer } = options;
  if (source.scan === undefined) {
    throw new CliError(
      `${options.sourceLabel}: the ${source.name} backend cannot list its nodes (no scan)`,
      EXIT.usage,
    );
  }
  let listed = 0;
  let vanished = 0;
  let failed = 0;
  // Pages are read in parallel; the archive takes them one at a time, in completion order.
  let writing: Promise<void> = Promise.resolve();
  const page = async (p: ScanPage) => {
    listed += p.nodes.length;
    const timestamps = new Map(p.nodes.map((n) => [n.id, n.timestamp] as const));
    const read = await readBatch(source, [...timestamps.keys()], options);
    vanished += read.vanished;
    failed += read.failed.length;
    options.failedIds.record(read.failed);
    const records: ArchiveRecord[] = read.found.map(([id, bytes]) => {
      const timestamp = timestamps.get(id);
      return timestamp === undefined ? { id, bytes } : { id, timestamp, bytes };
    });
    const mine = writing.then(() => writer.write(records));
    writing = mine;
    await mine;
    options.onProgress?.({ processed: listed, copied: writer.count, failed });
  };
  let interrupted: boolean;
  try {
    ({ interrupted } = await runBounded(
      source.scan({
        since: options.since,
        until: options.until,
        pageSize: options.batchSize,
        signal: options.signal,
      }),
      options.concurrency,
      page,
      options.signal,
    ));
  } catch (error) {
    await writer.abort();
    if (isRetryable(error)) throw new CliError(`${firstLine(error)} (after retries)`, EXIT.unavailable);
    throw error;
  }
  if (interrupted) await writer.abort();
  else await writer.finish();
  return {
    listed,
    exported: writer.count,
    vanished,
    failed,
    bytes: writer.bytes,
    interrupted,
    ...timing(started, writer.count),
    failedIdsFile: failed > 0 ? (options.failedIds.path ?? null) : null,
  };
}

export interface ImportReport {
  readonly records: number;
  readonly imported: number;
  readonly skippedWindow: number;
  readonly failed: number;
  readonly verified: number;
  readonly mismatched: number;
  readonly remapped: number;
  readonly unchangedByRemap: number;
  readonly bytes: number;
  readonly dryRun: boolean;
  readonly interrupted: boolean;
  readonly seconds: number;
  readonly nodesPerSecond: number;
  readonly failedIdsFile: string | null;
}

export async function importNodes(
  options: Common & {
    readonly target: NodeBackend;
    readonly records: AsyncIterable<ArchiveRecord>;
    readonly verify: boolean;
    readonly dryRun: boolean;
    readonly since?: Date;
    readonly until?: Date;
    readonly remap?: ProjectMap;
  },
): Promise<ImportReport> {
  const started = performance.now();
  const totals = {
    records: 0,
    imported: 0,
    skippedWindow: 0,
    failed: 0,
    verified: 0,
    mismatched: 0,
    bytes: 0,
  };
  let remapped = 0;
  let unchangedByRemap = 0;
  const inWindow = (r: ArchiveRecord) => {
    if (options.since === undefined && options.until === undefined) return true;
    const t = r.timestamp?.getTime();
    if (t === undefined) return false;
    return (
      !(options.since && t < options.since.getTime()) && !(options.until && t >= options.until.getTime())
    );
  };
  async function* batches(): AsyncGenerator<WriteEntry[]> {
    let batch: WriteEntry[] = [];
    for await (const record of options.records) {
      totals.records++;
      if (!inWindow(record)) {
        totals.skippedWindow++;
        continue;
      }
      let entry: WriteEntry = { sourceId: record.id, id: record.id, bytes: record.bytes };
      if (options.remap) {
        const result = remapNode(record.id, record.bytes, options.remap);
        if (result.kind === "remapped") {
          remapped++;
          entry = { sourceId: record.id, id: result.id, bytes: result.bytes };
        } else if (result.kind === "failed") {
          totals.failed++;
          options.failedIds.record([{ id: record.id, reason: result.reason }]);
          continue;
        } else unchangedByRemap++;
      }
      batch.push(entry);
      if (batch.length >= options.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
  const settings: BatchSettings & { verify: boolean } = { ...options };
  let interrupted: boolean;
  try {
    ({ interrupted } = await runBounded(
      batches(),
      options.dryRun ? 1 : options.concurrency,
      async (entries) => {
        if (options.dryRun) {
          totals.imported += entries.length;
          for (const e of entries) totals.bytes += e.bytes.byteLength;
          return;
        }
        const result = await writeBatch(options.target, entries, settings);
        totals.imported += result.written;
        totals.bytes += result.bytes;
        totals.verified += result.verified;
        totals.mismatched += result.mismatched;
        totals.failed += result.failed.length;
        options.failedIds.record(result.failed);
        options.onProgress?.({ processed: totals.records, copied: totals.imported, failed: totals.failed });
      },
      options.signal,
    ));
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(`${error.message} (${totals.imported} nodes were imported before this)`, error.code);
    }
    if (isRetryable(error)) throw new CliError(`${firstLine(error)} (after retries)`, EXIT.unavailable);
    throw error;
  }
  return {
    ...totals,
    remapped,
    unchangedByRemap,
    dryRun: options.dryRun,
    interrupted,
    ...timing(started, totals.imported),
    failedIdsFile: totals.failed > 0 ? (options.failedIds.path ?? null) : null,
  };
}

function timing(started: number, count: number) {
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: Math.round(seconds * 1000) / 1000,
    nodesPerSecond: seconds > 0 ? Math.round(count / seconds) : 0,
  };
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split("\n", 1)[0]!;
