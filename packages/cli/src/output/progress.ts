import cliProgress from "cli-progress";
import type { CliContext } from "../context.js";
import { count } from "./format.js";

/** A running count with its rate, for work whose total is unknown (a scan, a cleanup). */
export interface Counter {
  update(done: number): void;
  stop(): void;
}

/**
 * On a terminal: a one-line cli-progress display on stderr (`what  12,345 nodes  3,210/s  0:04`). Elsewhere
 * (logs, CI): one plain line every `everyMs`. Nothing with `--json`.
 */
export function counter(ctx: CliContext, what: string, unit = "nodes", everyMs = 10_000): Counter {
  if (ctx.json) return { update() {}, stop() {} };
  const started = Date.now();
  const rate = (done: number) => {
    const seconds = (Date.now() - started) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  };
  if (ctx.io.interactive) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${what}  {done} ${unit}  {rate}/s  {duration_formatted}`,
        stream: ctx.io.stderr as NodeJS.WriteStream,
        hideCursor: false,
        clearOnComplete: false,
        fps: 4,
      },
      cliProgress.Presets.legacy,
    );
    bar.start(0, 0, { done: "0", rate: "0" });
    return {
      update(done) {
        bar.update(done, { done: count(done), rate: count(rate(done)) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let last = started;
  return {
    update(done) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      ctx.note(`${what}: ${count(done)} ${unit} (${count(rate(done))}/s)`);
    },
    stop() {},
  };
}
