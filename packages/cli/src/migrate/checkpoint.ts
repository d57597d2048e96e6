import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CliError, EXIT } from "../exit-codes.js";

export const CHECKPOINT_VERSION = 1;

/** Every counter of a migration; a checkpoint keeps the totals of the pages it records as done. */
export interface MigrateCounts {
  /** Ids the scan returned (every shard). */
  listed: number;
  /** Ids that belong to another `--shard`. */
  skippedShard: number;
  /** Nodes written to the target. */
  copied: number;
  /** Ids listed but absent when read (deleted since the scan). */
  vanished: number;
  /** Ids written to the failed-ids file (corrupt, refused by the target, verify mismatch). */
  failed: number;
  /** Nodes re-read from the target and found byte-equal. */
  verified: number;
  /** Nodes re-read from the target and found different or absent. */
  mismatched: number;
  /** Left alone because the target already had them (`--skip-existing`). */
  keptExisting: number;
  /** Source nodes deleted after verification (`--delete-source`). */
  deletedSource: number;
  /** Event nodes rewritten for `--remap-project`. */
  remapped: number;
  /** Nodes copied as they are while `--remap-project` was given. */
  unchangedByRemap: number;
  /** Decompressed bytes written. */
  bytes: number;
}

export const zeroCounts = (): MigrateCounts => ({
  listed: 0,
  skippedShard: 0,
  copied: 0,
  vanished: 0,
  failed: 0,
  verified: 0,
  mismatched: 0,
  keptExisting: 0,
  deletedSource: 0,
  remapped: 0,
  unchangedByRemap: 0,
  bytes: 0,
});

export function addCounts(into: MigrateCounts, more: Partial<MigrateCounts>): void {
  for (const [key, value] of Object.entries(more) as Array<[keyof MigrateCounts, number]>) into[key] += value;
}

/** What identifies a migration: a checkpoint is resumed only by the same one. */
export interface MigrationIdentity {
  /** Store labels (redacted URLs or config names). */
  readonly from: string;
  readonly to: string;
  /** "I/N" or null. */
  readonly shard: string | null;
  /** `--since` / `--until` as given, or null. */
  readonly since: string | null;
  readonly until: string | null;
  /** Sorted [OLD, NEW] project pairs. */
  readonly remap: ReadonlyArray<readonly [string, string]>;
}

export interface Checkpoint extends MigrationIdentity {
  readonly version: number;
  /** The resolved window (ISO), so a resume with an age like `30d` keeps the first run's instants. */
  readonly sinceAt: string | null;
  readonly untilAt: string | null;
  /** Cursor of the last page such that it and every page before it are done; null = none done yet. */
  readonly cursor: string | null;
  /** Ids done in pages completed out of order beyond `cursor`: skipped when the resumed scan meets them. */
  readonly doneAhead: readonly string[];
  /** True once the scan reached its end and every page was done. */
  readonly complete: boolean;
  readonly counts: MigrateCounts;
  readonly updatedAt: string;
}

/** `./nodestore-migrate.<hash>.json`: one default file per (from, to, shard, window). */
export function defaultCheckpointPath(cwd: string, id: MigrationIdentity): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([id.from, id.to, id.shard, id.since, id.until]))
    .digest("hex")
    .slice(0, 12);
  return resolve(cwd, `nodestore-migrate.${hash}.json`);
}

/** `<checkpoint>.failed.tsv` next to the checkpoint. */
export function defaultFailedIdsPath(checkpointPath: string): string {
  const name = basename(checkpointPath).replace(/\.json$/, "");
  return join(dirname(checkpointPath), `${name}.failed.tsv`);
}

/** The checkpoint at `path`, or undefined when there is none. Unreadable files are a usage error. */
export function readCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`checkpoint ${path}: ${(error as Error).message}`, EXIT.usage);
  }
  let parsed: Checkpoint;
  try {
    parsed = JSON.parse(text) as Checkpoint;
  } catch {
    throw new CliError(`checkpoint ${path} is not valid JSON (use --restart to start over)`, EXIT.usage);
  }
  if (parsed?.version !== CHECKPOINT_VERSION || typeof parsed.counts !== "object") {
    throw new CliError(
      `checkpoint ${path} has version ${String(parsed?.version)}, expected ${CHECKPOINT_VERSION}`,
      EXIT.usage,
    );
  }
  return { ...parsed, counts: { ...zeroCounts(), ...parsed.counts } };
}

/** Why `checkpoint` belongs to another migration, or undefined when it is this one's. */
export function identityMismatch(checkpoint: Checkpoint, id: MigrationIdentity): string | undefined {
  const show = (v: unknown) => (v === null ? "none" : JSON.stringify(v));
  for (const key of ["from", "to", "shard", "since", "until"] as const) {
    if (checkpoint[key] !== id[key]) {
      return `the checkpoint is for --${key} ${show(checkpoint[key])}, this run has ${show(id[key])}`;
    }
  }
  if (JSON.stringify(checkpoint.remap) !== JSON.stringify(id.remap)) {
    const pairs = (p: ReadonlyArray<readonly [string, string]>) =>
      p.length === 0 ? "none" : p.map(([a, b]) => `${a}:${b}`).join(",");
    return `the checkpoint is for --remap-project ${pairs(checkpoint.remap)}, this run has ${pairs(id.remap)}`;
  }
  return undefined;
}

/** Atomic replace: write `path.tmp`, fsync, rename over `path`. A crash leaves the old or the new file. */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.tmp`, { force: true });
}
