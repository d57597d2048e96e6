import cliProgress from "cli-progress";

/** What progress shows: nodes handled in this run, and the totals that matter to an operator. */
export interface ProgressState {
  readonly processed: number;
  readonly copied: number;
  readonly failed: number;
}

export interface ProgressReporter {
  start(total: number | undefined): void;
  update(state: ProgressState): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr when it is a terminal (rate, copied, failed; percentage and ETA when the total
 * is known), else one plain line every `intervalMs` on stderr, unless `quiet` (`--json`).
 */
export function createProgress(options: {
  readonly stderr: NodeJS.WritableStream;
  readonly interactive: boolean;
  readonly quiet: boolean;
  readonly verb: string;
  readonly intervalMs?: number;
}): ProgressReporter {
  const started = performance.now();
  let state: ProgressState = { processed: 0, copied: 0, failed: 0 };
  let total: number | undefined;
  const rate = () => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? Math.round(state.processed / seconds) : 0;
  };
  if (options.interactive) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      start(t) {
        total = t;
        const head =
          t === undefined ? "{value} nodes" : "{bar} {percentage}% | {value}/{total} | ETA {eta_formatted}";
        bar = new cliProgress.SingleBar(
          {
            stream: options.stderr,
            format: `${options.verb} ${head} | {rate} nodes/s | copied {copied} | failed {failed} | {duration_formatted}`,
            hideCursor: true,
            etaBuffer: 50,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(t ?? 0, 0, { rate: 0, copied: 0, failed: 0 });
      },
      update(s) {
        state = s;
        bar?.update(s.processed, { rate: rate(), copied: s.copied, failed: s.failed });
      },
      stop() {
        bar?.stop();
      },
    };
  }
  let timer: NodeJS.Timeout | undefined;
  const line = () => {
    const share = total === undefined ? "" : `/${total}`;
    const eta =
      total !== undefined && rate() > 0
        ? `, ETA ${Math.max(0, Math.round((total - state.processed) / rate()))}s`
        : "";
    options.stderr.write(
      `${options.verb}: ${state.processed}${share} nodes, ${rate()} nodes/s, copied ${state.copied}, failed ${state.failed}${eta}\n`,
    );
  };
  return {
    start(t) {
      total = t;
      if (options.quiet) return;
      timer = setInterval(line, options.intervalMs ?? 10_000);
      timer.unref();
    },
    update(s) {
      state = s;
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
