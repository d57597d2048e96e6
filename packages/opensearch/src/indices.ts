import { InvalidArgumentError } from "@nodestore/core";

/**
 * Daily index names: a pattern with `{date}` (and optionally `{prefix}`), as the Python plugin's `index` option.
 * The plugin's default, `sentry-{prefix}-{date}`, resolves to `sentry-{date}` without a prefix and
 * `sentry-<prefix>-{date}` with one. Dates are `YYYY-MM-DD`.
 */
export const DEFAULT_INDEX = "sentry-{prefix}-{date}";

export interface IndexNaming {
  /** The pattern with the prefix applied: only `{date}` is left, e.g. `sentry-{date}`, `sentry-dev-{date}`. */
  readonly pattern: string;
  /** The index for a UTC day. */
  nameFor(date: Date): string;
  /**
   * The date an index of this pattern holds (midnight UTC of its `YYYY-MM-DD`), or undefined when the name is
   * not this pattern. A suffix after the date (`-fixed`, `-reindex`, as left by a manual reindex) is accepted.
   */
  dateOf(index: string): Date | undefined;
  /** A wildcard expression matching every index of the pattern (for `_cat/indices`). */
  readonly wildcard: string;
}

/** What OpenSearch refuses in an index name (MetadataCreateIndexService.validateIndexOrAliasName). */
const BAD_INDEX_CHARS = /[\\/*?"<>| ,#:A-Z]/;

export function indexNaming(index: string, prefix: string | undefined): IndexNaming {
  if (typeof index !== "string" || !index.includes("{date}")) {
    throw new InvalidArgumentError(
      `index must be a pattern containing "{date}", got ${JSON.stringify(index)}`,
    );
  }
  if (prefix !== undefined && (prefix === "" || BAD_INDEX_CHARS.test(prefix))) {
    throw new InvalidArgumentError(
      `index prefix ${JSON.stringify(prefix)} cannot be part of an index name (lowercase, no \\ / * ? " < > | , # : or space)`,
    );
  }
  // As the plugin: its default placeholder drops the "-{prefix}" part when there is no prefix.
  const pattern =
    index === DEFAULT_INDEX
      ? prefix === undefined
        ? "sentry-{date}"
        : `sentry-${prefix}-{date}`
      : index.replaceAll("{prefix}", prefix ?? "");
  if (pattern.split("{date}").length !== 2) {
    throw new InvalidArgumentError(`index must contain "{date}" exactly once, got ${JSON.stringify(index)}`);
  }
  const sample = pattern.replace("{date}", "2025-01-01");
  const problem = indexNameProblem(sample);
  if (problem !== undefined) {
    throw new InvalidArgumentError(
      `index pattern ${JSON.stringify(pattern)} gives invalid names: ${problem}`,
    );
  }
  const [before, after] = pattern.split("{date}") as [string, string];
  const re = new RegExp(`^${escapeRegExp(before)}(\\d{4}-\\d{2}-\\d{2})${escapeRegExp(after)}(?:-[^,]*)?$`);
  return {
    pattern,
    nameFor: (date) => pattern.replace("{date}", utcDay(date)),
    dateOf(name) {
      const m = re.exec(name);
      return m === null ? undefined : parseDay(m[1]!);
    },
    wildcard: `${before}*`,
  };
}

/** Why OpenSearch would refuse `name` as an index name, or undefined. */
export function indexNameProblem(name: string): string | undefined {
  if (name === "" || name === "." || name === "..") return "empty, . or ..";
  if (BAD_INDEX_CHARS.test(name)) return 'uppercase or one of \\ / * ? " < > | , # : space';
  if (/^[-_+]/.test(name)) return "starts with -, _ or +";
  if (Buffer.byteLength(name) > 255) return "longer than 255 bytes";
  return undefined;
}

/** `YYYY-MM-DD` of `date` in UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parseDay(day: string): Date | undefined {
  const d = new Date(`${day}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) || utcDay(d) !== day ? undefined : d;
}

const DAY_RE = /(\d{4}-\d{2}-\d{2})/;

/** The first `YYYY-MM-DD` in any index name, for ordering copies found in indices of other patterns. */
export function anyDateIn(index: string): Date | undefined {
  const m = DAY_RE.exec(index);
  return m === null ? undefined : parseDay(m[1]!);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export const DAY_MS = 24 * 3600 * 1000;
