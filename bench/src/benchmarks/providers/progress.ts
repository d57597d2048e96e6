/**
 * Progress on stderr: a bar redrawn in place on a terminal ("bar"), one line per scenario otherwise ("lines"),
 * or nothing ("off").
 */
export class Progress {
  readonly #mode: "bar" | "lines" | "off";
  readonly #started = performance.now();
  #total = 0;
  #done = 0;
  #label = "";
  #lastLine = "";
  #drawn = false;

  constructor(mode: "bar" | "lines" | "off") {
    this.#mode = mode;
  }

  addTotal(steps: number): void {
    this.#total += steps;
    this.#draw();
  }

  /** A new phase (scenario); printed as a line in "lines" mode. */
  phase(label: string): void {
    this.#label = label;
    if (this.#mode === "lines" && label !== this.#lastLine) {
      this.#lastLine = label;
      process.stderr.write(`  · ${label}\n`);
    }
    this.#draw();
  }

  /** Detail of the current phase (a run): shown on the bar only. */
  detail(label: string): void {
    this.#label = label;
    this.#draw();
  }

  step(detail?: string): void {
    this.#done = Math.min(this.#total, this.#done + 1);
    if (detail !== undefined) this.#label = detail;
    this.#draw();
  }

  /** Prints a line above the bar. */
  log(line: string): void {
    if (this.#mode === "off") return;
    this.#clear();
    process.stderr.write(`${line}\n`);
    this.#draw();
  }

  finish(): void {
    this.#clear();
  }

  #clear(): void {
    if (this.#mode === "bar" && this.#drawn) {
      process.stderr.write("\r\x1b[2K");
      this.#drawn = false;
    }
  }

  #draw(): void {
    if (this.#mode !== "bar") return;
    const width = 28;
    const frac = this.#total > 0 ? this.#done / this.#total : 0;
    const full = Math.round(frac * width);
    const secs = ((performance.now() - this.#started) / 1000).toFixed(0);
    const cols = process.stderr.columns ?? 100;
    const line = `[${"█".repeat(full)}${"░".repeat(width - full)}] ${String(Math.round(frac * 100)).padStart(3)}% ${secs}s  ${this.#label}`;
    process.stderr.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
    this.#drawn = true;
  }
}
