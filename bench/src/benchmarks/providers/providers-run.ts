/**
 * The life of the selected providers in one bench run: set up (all at once, so servers start in parallel),
 * measured one after another, disposed. A provider that fails at any step is reported as such; the others go on.
 */
import type { Comparison, ProviderResult } from "../../report/schema.js";
import type { BenchCorpus } from "./corpus.js";
import type { ResolvedOptions } from "./options.js";
import type { Progress } from "./progress.js";
import type { ProviderFactory, ProviderInstance, SetupContext } from "./types.js";
import { errorMessage } from "./util.js";
import { runProvider, stepsFor } from "./workloads/index.js";

export class ProvidersRun {
  /** Providers set up and not yet disposed. */
  readonly instances = new Map<string, ProviderInstance>();
  readonly results = new Map<string, ProviderResult>();
  readonly comparisons: Comparison[] = [];
  /** The selected providers, in report order (set-ups finish in any order). */
  #names: string[] = [];

  constructor(readonly progress: Progress) {}

  /** Sets every provider up; each gets its one line: what it runs against, or why it was skipped or failed. */
  async setUp(factories: readonly ProviderFactory[], ctx: SetupContext): Promise<void> {
    this.#names = factories.map((f) => f.name);
    await Promise.all(factories.map((factory) => this.#setUpOne(factory, ctx)));
    for (const name of this.#names) this.progress.log(`  ${name.padEnd(10)} ${this.results.get(name)!.line}`);
  }

  /** Every provider's result, in report order. */
  providerResults(): ProviderResult[] {
    return this.#names.filter((n) => this.results.has(n)).map((n) => this.results.get(n)!);
  }

  async #setUpOne(factory: ProviderFactory, ctx: SetupContext): Promise<void> {
    const { name } = factory;
    const base = {
      name,
      package: factory.packageName,
      target: null,
      storage: null,
      scenarios: [],
      notes: [],
      errors: [],
    };
    try {
      const outcome = await factory.setup(ctx);
      if ("skip" in outcome) {
        this.results.set(name, {
          ...base,
          status: "skipped",
          line: `skipped: ${outcome.skip}`,
          reason: outcome.skip,
        });
      } else {
        this.instances.set(name, outcome);
        this.results.set(name, {
          ...base,
          status: "ran",
          line: `ran against ${outcome.target.description}`,
          reason: null,
          target: outcome.target,
        });
      }
    } catch (error) {
      const reason = `set-up failed: ${errorMessage(error)}`;
      this.results.set(name, { ...base, status: "failed", line: reason, reason });
    }
  }

  /** Takes every provider set up through the workloads, one after another, in report order. */
  async measure(corpus: BenchCorpus, options: ResolvedOptions, runTag: string): Promise<void> {
    for (const instance of this.instances.values()) this.progress.addTotal(stepsFor(instance, options));
    for (const name of this.#names) {
      const instance = this.instances.get(name);
      if (!instance) continue;
      const result = this.results.get(name)!;
      try {
        const out = await runProvider(name, instance, corpus, options, runTag, this.progress);
        result.notes.push(...out.notes);
        result.storage = out.storage;
        result.scenarios = out.scenarios;
        result.errors.push(...out.errors);
        this.comparisons.push(...out.comparisons);
      } catch (error) {
        result.status = "failed";
        result.reason = errorMessage(error);
        result.line = `failed against ${instance.target.description}: ${result.reason}`;
      }
    }
  }

  /** Removes what every provider wrote and closes its clients; a failure is reported with the provider. */
  async dispose(): Promise<void> {
    for (const [name, instance] of this.instances) {
      try {
        await instance.dispose();
      } catch (error) {
        this.results.get(name)?.errors.push(`clean-up failed: ${errorMessage(error)}`);
      }
    }
  }
}
