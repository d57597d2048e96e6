import { CorruptNodeError, chunks, getBytesMany, looksLikePickle, type NodeBackend } from "@nodestore/core";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import { checkWindow, DATE_HELP, dateArg, examples, intArg } from "../output/args.js";
import { bytes, count, instant, rows } from "../output/format.js";
import { counter } from "../output/progress.js";

interface StatsOptions {
  readonly from: string;
  readonly sample: number;
  readonly since?: Date;
  readonly until?: Date;
}

interface Sampled {
  readonly id: string;
  readonly storedBytes: number | undefined;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("stats")
    .summary("count a store's nodes and bytes, and sample its compression ratio")
    .description(
      "Scan the whole store (ids only, memory flat): node count, stored bytes where the listing gives them\n" +
        "(Postgres, S3, Tablestore; not OpenSearch), oldest and newest write. Then read a sample of nodes spread\n" +
        "evenly over the scan (reservoir sampling) for their decompressed size and the compression ratio.",
    )
    .requiredOption("--from <store>", "store URL or config name")
    .option("--sample <n>", "nodes to read for sizes and ratio (0: none)", intArg(0, 100_000), 200)
    .option("--since <when>", `only nodes last written at or after this (${DATE_HELP})`, dateArg())
    .option("--until <when>", `only nodes last written before this (${DATE_HELP})`, dateArg())
    .addHelpText(
      "after",
      examples([
        [
          "nodestore stats --from postgres://postgres@localhost/postgres",
          "self-hosted's nodestore_node table",
        ],
        ["nodestore stats --from seaweed --sample 1000 --since 30d --json", "the last 30 days, as JSON"],
      ]),
    )
    .action(async (options: StatsOptions) => {
      checkWindow(options.since, options.until);
      const { backend, label } = await ctx.open(options.from);
      const stats = await collect(ctx, backend, label, options);
      ctx.print(human(stats), stats);
    });
}

async function collect(ctx: CliContext, backend: NodeBackend, label: string, options: StatsOptions) {
  if (backend.scan === undefined) {
    throw new CliError(
      `${label}: the ${backend.name} backend cannot list its nodes (no scan): update its package`,
      EXIT.usage,
      "NOT_SUPPORTED",
    );
  }
  const signal = ctx.io.signal;
  signal.throwIfAborted();
  const progress = counter(ctx, `stats ${label}`);
  let nodes = 0;
  let storedBytes = 0;
  let withSize = 0;
  let oldest: Date | undefined;
  let newest: Date | undefined;
  const reservoir: Sampled[] = [];
  try {
    for await (const page of backend.scan({ since: options.since, until: options.until, signal })) {
      for (const node of page.nodes) {
        nodes++;
        if (node.storedBytes !== undefined) {
          storedBytes += node.storedBytes;
          withSize++;
        }
        const t = node.timestamp;
        if (t !== undefined) {
          if (oldest === undefined || t < oldest) oldest = t;
          if (newest === undefined || t > newest) newest = t;
        }
        // Algorithm R: every node scanned has the same chance to be in the sample, in one pass.
        const entry = { id: node.id, storedBytes: node.storedBytes };
        if (reservoir.length < options.sample) reservoir.push(entry);
        else if (options.sample > 0) {
          const j = Math.floor(Math.random() * nodes);
          if (j < options.sample) reservoir[j] = entry;
        }
      }
      progress.update(nodes);
    }
  } finally {
    progress.stop();
  }

  // The sample: read the bytes, in batches, with the backend's batch read where it has one.
  let read = 0;
  let missing = 0;
  let corrupt = 0;
  let legacyPickle = 0;
  let decompressed = 0;
  let sampleStored = 0;
  let sampleWithSize = 0;
  let largest = 0;
  const unique = [...new Map(reservoir.map((s) => [s.id, s])).values()];
  for (const batch of chunks(unique, 100)) {
    signal.throwIfAborted();
    const found = await getBytesMany(
      backend,
      batch.map((s) => s.id),
      16,
    );
    for (const s of batch) {
      const value = found.get(s.id) ?? null;
      if (value === null) missing++;
      else if (value instanceof CorruptNodeError) corrupt++;
      else {
        read++;
        decompressed += value.byteLength;
        largest = Math.max(largest, value.byteLength);
        if (value.byteLength > 0 && value[0] !== 0x7b && looksLikePickle(value)) legacyPickle++;
        if (s.storedBytes !== undefined) {
          sampleStored += s.storedBytes;
          sampleWithSize++;
        }
      }
    }
  }
  const sizesKnown = withSize === nodes;
  const ratio = read > 0 && sampleWithSize === read && sampleStored > 0 ? decompressed / sampleStored : null;
  return {
    store: label,
    backend: backend.name,
    since: options.since?.toISOString() ?? null,
    until: options.until?.toISOString() ?? null,
    nodes,
    storedBytes: sizesKnown ? storedBytes : null,
    oldest: oldest?.toISOString() ?? null,
    newest: newest?.toISOString() ?? null,
    sample: {
      requested: options.sample,
      read,
      missing,
      corrupt,
      legacyPickle,
      decompressedBytes: decompressed,
      storedBytes: sampleWithSize === read && read > 0 ? sampleStored : null,
      averageDecompressedBytes: read > 0 ? Math.round(decompressed / read) : null,
      largestDecompressedBytes: read > 0 ? largest : null,
      ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    },
    estimatedDecompressedBytes: read > 0 ? Math.round((decompressed / read) * nodes) : null,
  };
}

function human(s: Awaited<ReturnType<typeof collect>>): string {
  const window =
    s.since || s.until
      ? ` (written ${s.since ? `from ${s.since}` : ""}${s.since && s.until ? " " : ""}${s.until ? `before ${s.until}` : ""})`
      : "";
  const lines: Array<[string, string]> = [
    ["store", `${s.store} (${s.backend})`],
    ["nodes", `${count(s.nodes)}${window}`],
    [
      "stored",
      s.storedBytes === null
        ? "unknown (this backend's listing does not give sizes)"
        : `${bytes(s.storedBytes)}${s.nodes > 0 ? ` (${bytes(Math.round(s.storedBytes / s.nodes))} per node)` : ""}`,
    ],
    ["written", s.oldest === null ? "-" : `${instant(new Date(s.oldest))} … ${instant(new Date(s.newest!))}`],
  ];
  const m = s.sample;
  if (m.requested > 0) {
    const damaged = [
      m.missing > 0 ? `${count(m.missing)} gone since the scan` : "",
      m.corrupt > 0 ? `${count(m.corrupt)} corrupt` : "",
      m.legacyPickle > 0 ? `${count(m.legacyPickle)} legacy pickled` : "",
    ].filter(Boolean);
    lines.push([
      "sample",
      m.read === 0
        ? "no node read"
        : `${count(m.read)} nodes read: ${bytes(m.averageDecompressedBytes!)} decompressed on average, largest ${bytes(m.largestDecompressedBytes!)}${damaged.length > 0 ? `; ${damaged.join(", ")}` : ""}`,
    ]);
    lines.push([
      "ratio",
      m.ratio === null
        ? "unknown (stored sizes not listed)"
        : `${m.ratio}× (decompressed ÷ stored, on the sample)`,
    ]);
    if (s.estimatedDecompressedBytes !== null) {
      lines.push(["logical", `about ${bytes(s.estimatedDecompressedBytes)} decompressed in all (estimated)`]);
    }
  }
  return rows(lines);
}
