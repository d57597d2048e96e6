import { appendFileSync, rmSync } from "node:fs";

/** One id that was not copied, and why (one line). */
export interface FailedId {
  readonly id: string;
  readonly reason: string;
}

/**
 * The failed-ids file: one line per id, `id<TAB>reason`, UTF-8. Created on the first failure (a clean run
 * leaves none); a fresh run replaces an old one, a resumed run appends.
 */
export class FailedIdsFile {
  #count = 0;

  constructor(
    readonly path: string | undefined,
    options: { readonly append: boolean },
  ) {
    if (path !== undefined && !options.append) rmSync(path, { force: true });
  }

  get count(): number {
    return this.#count;
  }

  /** Appends synchronously, so the lines are on disk before the checkpoint marks their page done. */
  record(failures: readonly FailedId[]): void {
    if (failures.length === 0) return;
    this.#count += failures.length;
    if (this.path === undefined) return;
    appendFileSync(this.path, failures.map((f) => `${oneLine(f.id)}\t${oneLine(f.reason)}\n`).join(""), {
      mode: 0o600,
    });
  }
}

const oneLine = (text: string) => text.replace(/[\t\r\n]+/g, " ");
