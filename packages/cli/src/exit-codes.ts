/** Exit codes of every `nodestore` command (documented in the README; scripts branch on them). */
export const EXIT = {
  /** Everything asked was done. */
  ok: 0,
  /** The command ran, but some nodes failed (listed in the failed-ids file / the JSON report) or differ. */
  partial: 1,
  /**
   * Bad usage: unknown option, bad URL, bad id, bad input file, missing config or backend package, or an operation
   * the store cannot do (e.g. cleanup on S3). Nothing was touched.
   */
  usage: 2,
  /** A store was unreachable or timed out (retryable): run the same command again later (`--resume`). */
  unavailable: 3,
  /** Any other failure (a backend error, a corrupt archive, a failed verification of the whole run). */
  failure: 4,
  /** Interrupted (Ctrl-C / SIGTERM); the checkpoint is saved where the command keeps one. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The name of each exit code, for `{"error":{"code":…}}` when the error has no more precise code. */
export const EXIT_NAMES: Readonly<Record<ExitCode, string>> = {
  0: "OK",
  1: "PARTIAL",
  2: "USAGE",
  3: "UNAVAILABLE",
  4: "FAILURE",
  130: "INTERRUPTED",
};

/** A failure the CLI reports in one line and exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = EXIT.failure,
    /** A machine-readable reason for `--json` (e.g. "NOT_FOUND"); default: the exit code's name. */
    readonly reason: string = EXIT_NAMES[code],
  ) {
    super(message);
    this.name = "CliError";
  }
}
