import { CliError, EXIT } from "../exit-codes.js";

/** A positive integer option (`--batch-size`, `--concurrency`), at most `max`. */
export function positiveIntOption(name: string, max = 1_000_000) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) {
      throw new CliError(`${name} must be an integer from 1 to ${max}, got "${text}"`, EXIT.usage);
    }
    return Number(text);
  };
}

/** A time window bound as given and as resolved. The given text is what a checkpoint compares. */
export interface TimeBound {
  readonly text: string;
  readonly date: Date;
}

/**
 * `--since` / `--until`: an ISO 8601 date or date-time (`2024-05-01`, `2024-05-01T12:00:00Z`; no zone = UTC)
 * or an age: `<n>d`, `<n>h`, `<n>m` before now.
 */
export function parseTime(name: string, now = Date.now()) {
  return (text: string): TimeBound => {
    const t = text.trim();
    const age = /^(\d+)([dhm])$/.exec(t);
    if (age) {
      const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[age[2] as "d" | "h" | "m"];
      return { text: t, date: new Date(now - Number(age[1]) * unit) };
    }
    if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
      const zoned = /([T ][\d:.]+)$/.test(t) ? `${t.replace(" ", "T")}Z` : t.replace(" ", "T");
      const date = new Date(zoned);
      if (Number.isFinite(date.getTime())) return { text: t, date };
    }
    throw new CliError(
      `${name} must be an ISO date/time (2024-05-01, 2024-05-01T12:00:00Z) or an age (30d, 12h, 90m), got "${text}"`,
      EXIT.usage,
    );
  };
}

export function checkWindow(since: TimeBound | undefined, until: TimeBound | undefined): void {
  if (since && until && since.date.getTime() >= until.date.getTime()) {
    throw new CliError(`--since (${since.text}) must be before --until (${until.text})`, EXIT.usage);
  }
}
