/**
 * Which OpenSearch a variant runs against: the user's (NODESTORE_BENCH_OPENSEARCH_URL), else the `pnpm services`
 * one (NODESTORE_OPENSEARCH_URL, OpenSearch 2.19). The opensearch-rtt variant puts a Toxiproxy proxy adding a
 * round trip (--s3-rtt, the same value as s3-rtt) in front of it.
 */
import type { LatencyProxy } from "@nodestore/services";
import type { SetupContext } from "../../types.js";
import { redactUrl } from "../../util.js";

export interface OpenSearchTarget {
  /** What the bench connects to (the proxy's address for opensearch-rtt). */
  readonly url: string;
  /** The cluster's own URL, for the report line (credentials redacted). */
  readonly upstream: string;
  readonly version: string;
  readonly source: "user" | "services";
  readonly origin: string;
  readonly proxy?: LatencyProxy;
  /** Said at the end of the report line. */
  readonly via: string;
}

type Skip = { skip: string };

export async function openSearchTarget(ctx: SetupContext, rtt: boolean): Promise<OpenSearchTarget | Skip> {
  const { env } = ctx.options;
  const user = env.NODESTORE_BENCH_OPENSEARCH_URL;
  const url = user ?? env.NODESTORE_OPENSEARCH_URL;
  if (!url) {
    return {
      skip: "no OpenSearch configured (NODESTORE_BENCH_OPENSEARCH_URL, or `pnpm services up --only opensearch`); nothing embedded can stand in",
    };
  }
  let version: string;
  try {
    const root = (await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).json()) as {
      version?: { number?: string; distribution?: string };
    };
    version = `${root.version?.distribution === "opensearch" ? "OpenSearch" : "Elasticsearch"} ${root.version?.number ?? "?"}`;
  } catch (error) {
    return { skip: `OpenSearch at ${redactUrl(url)} does not answer (${(error as Error).message})` };
  }
  const base = {
    upstream: redactUrl(url),
    version,
    source: user ? ("user" as const) : ("services" as const),
    origin: user ? "NODESTORE_BENCH_OPENSEARCH_URL" : "NODESTORE_OPENSEARCH_URL, pnpm services",
  };
  if (!rtt) return { ...base, url, via: "" };
  const api = ctx.options.toxiproxy;
  if (!api) {
    return {
      skip: 'no Toxiproxy to add the round trip (`pnpm services up --only toxiproxy`, then eval "$(pnpm -s services env)"; or --toxiproxy URL)',
    };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== "http:") return { skip: `Toxiproxy forwards plain TCP: ${parsed.host} is https` };
  const { createLatencyProxy } = await import("@nodestore/services");
  const proxy = await createLatencyProxy({
    api,
    upstream: `${parsed.hostname}:${parsed.port || 9200}`,
    rttMs: ctx.options.s3RttMs,
    name: `nsbench-os-${ctx.runTag}`,
  });
  parsed.host = proxy.listen;
  return {
    ...base,
    url: parsed.toString().replace(/\/$/, ""),
    proxy,
    via: ` through Toxiproxy at ${proxy.listen} adding ${proxy.rttMs} ms per round trip`,
  };
}
