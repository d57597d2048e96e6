import { InvalidArgumentError } from "commander";
import type { CliContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";

/** The `--store` option of get/put/delete: a URL or config name, else `$NODESTORE_STORE`. */
export const STORE_OPTION = "-s, --store <store>";
export const STORE_HELP = "store URL or config name (default: $NODESTORE_STORE)";

export function storeSpec(ctx: CliContext, given: string | undefined): string {
  const spec = given ?? ctx.io.env.NODESTORE_STORE;
  if (spec === undefined || spec === "") {
    throw new CliError(
      "no store: give --store URL|NAME (or set NODESTORE_STORE); `nodestore stores` lists the forms",
      EXIT.usage,
    );
  }
  return spec;
}

/** A commander argument parser for an integer in [min, max]. */
export function intArg(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
      throw new InvalidArgumentError(
        `expected an integer${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` from ${min} to ${max}`}.`,
      );
    }
    return Number(text);
  };
}

/**
 * A commander argument parser for an instant: an ISO-8601 date or date-time (`2025-01-31`,
 * `2025-01-31T12:00:00Z`; without a zone it is UTC), or an age: `30d`, `12h`, `90m` (that long before now).
 */
export function dateArg(now: () => number = Date.now) {
  return (text: string): Date => {
    const age = /^(\d+)([dhm])$/.exec(text.trim());
    if (age) {
      const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[age[2] as "d" | "h" | "m"];
      return new Date(now() - Number(age[1]) * unit);
    }
    if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text.trim())) {
      const iso = text.trim().replace(" ", "T");
      const zoned = /[T]/.test(iso) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? `${iso}Z` : iso;
      const date = new Date(zoned);
      if (Number.isFinite(date.getTime())) return date;
    }
    throw new InvalidArgumentError(
      "expected an ISO date (2025-01-31, 2025-01-31T12:00:00Z) or an age (30d, 12h).",
    );
  };
}

export const DATE_HELP = "ISO date/time (UTC unless a zone is given) or an age such as 30d, 12h";

/** `--since`/`--until` checked against each other. */
export function checkWindow(since: Date | undefined, until: Date | undefined): void {
  if (since !== undefined && until !== undefined && since.getTime() >= until.getTime()) {
    throw new CliError(
      `--since (${since.toISOString()}) must be before --until (${until.toISOString()})`,
      EXIT.usage,
    );
  }
}

/** The help block of examples every command ends with. */
export function examples(lines: ReadonlyArray<readonly [command: string, what: string]>): string {
  return `\nExamples:\n${lines.map(([command, what]) => `  ${what}\n    $ ${command}`).join("\n")}\n`;
}
