import { randomUUID } from "node:crypto";
import { createPythonRef, type PythonRef, serviceEnv } from "@nodestore/services";
import type { Client } from "@opensearch-project/opensearch";
import { OpenSearchBackend, type OpenSearchBackendOptions } from "../src/index.js";

export interface OpenSearchTarget {
  /** "OpenSearch 2.19", "OpenSearch 3.x" */
  readonly label: string;
  readonly url: string;
}

/**
 * The clusters the integration tests run on: NODESTORE_OPENSEARCH_URL (2.19) and NODESTORE_OPENSEARCH3_URL (3.x)
 * from `pnpm services up`. Missing: one skip line each, or a failure under NODESTORE_REQUIRE_SERVICES=1.
 */
export function openSearchTargets(): OpenSearchTarget[] {
  const out: OpenSearchTarget[] = [];
  const two = serviceEnv("OpenSearch 2.x", ["NODESTORE_OPENSEARCH_URL"]);
  if (two) out.push({ label: "OpenSearch 2.19", url: two.NODESTORE_OPENSEARCH_URL });
  const three = serviceEnv("OpenSearch 3.x", ["NODESTORE_OPENSEARCH3_URL"]);
  if (three) out.push({ label: "OpenSearch 3.x", url: three.NODESTORE_OPENSEARCH3_URL });
  return out;
}

/** The Python reference (compat/ref.py with the real plugin), or undefined after a skip line. */
export function pythonConfigured(): boolean {
  return (
    serviceEnv("Python reference (compat/ref.py)", ["NODESTORE_PYTHON", "NODESTORE_REF_CLI"]) !== undefined
  );
}

/** Plain HTTP to the cluster, for looking at what the backend did and for setting up odd states. */
export function http(target: OpenSearchTarget) {
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary OpenSearch answers
  return async <T = any>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const ndjson = typeof body === "string";
    const response = await fetch(`${target.url}${path}`, {
      method,
      headers: { "content-type": ndjson ? "application/x-ndjson" : "application/json" },
      body: body === undefined ? undefined : ndjson ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T };
  };
}

export type Http = ReturnType<typeof http>;

/** A namespace of its own: indices `<tag>-YYYY-MM-DD`, alias and template `<tag>`. No "-" in the tag, so Python's
 * cleanup (which splits the name on "-") parses our indices' dates as it would `sentry-…`. */
export interface Scratch {
  readonly tag: string;
  readonly target: OpenSearchTarget;
  readonly http: Http;
  /** Backend options for this namespace (1 shard, 0 replicas, env ignored). */
  readonly options: OpenSearchBackendOptions;
  readonly warnings: string[];
  backend(extra?: Partial<OpenSearchBackendOptions>): OpenSearchBackend;
  /** The Python plugin on this namespace (its env variables set for it), and its flags. */
  python(env?: Record<string, string>): { ref: PythonRef; args: string[] };
  indices(): Promise<string[]>;
  drop(): Promise<void>;
}

export const runTag = (): string => `nst${randomUUID().replace(/-/g, "").slice(0, 10)}`;

export function scratch(target: OpenSearchTarget, tag = runTag()): Scratch {
  const h = http(target);
  const warnings: string[] = [];
  const backends: OpenSearchBackend[] = [];
  const options: OpenSearchBackendOptions = {
    node: target.url,
    index: `${tag}-{date}`,
    aliasName: tag,
    templateName: tag,
    indexPattern: `${tag}-*`,
    shards: 1,
    replicas: 0,
    env: {},
    onWarning: (m) => warnings.push(m),
  };
  const s: Scratch = {
    tag,
    target,
    http: h,
    options,
    warnings,
    backend(extra = {}) {
      const b = new OpenSearchBackend({ ...options, ...extra });
      backends.push(b);
      return b;
    },
    python(env = {}) {
      const ref = createPythonRef({
        env: {
          NODESTORE_OPENSEARCH_URL: target.url,
          SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN: `${tag}-*`,
          SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: "1",
          SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA: "0",
          SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC: "best_compression",
          ...env,
        },
      });
      return { ref, args: ["--os-index", `${tag}-{date}`, "--os-alias", tag, "--os-template", tag] };
    },
    async indices() {
      const r = await h<Array<{ index: string }>>(
        "GET",
        `/_cat/indices/${tag}-*,sentry-p${tag}-*?format=json&h=index`,
      );
      return (r.body ?? []).map((x) => x.index).sort();
    },
    async drop() {
      for (const b of backends) await b.close().catch(() => {});
      const names = await s.indices();
      if (names.length > 0) await h("DELETE", `/${names.join(",")}`);
      await h("DELETE", `/_index_template/${tag}`);
    },
  };
  return s;
}

/** Counts the HTTP requests a client sends (every attempt), with their method and path. */
export function countRequests(client: Client): { total(): number; paths(): string[]; reset(): void } {
  const seen: string[] = [];
  client.on("request", (_err, meta) => {
    const p = meta?.meta?.request?.params;
    seen.push(`${p?.method ?? "?"} ${p?.path ?? "?"}`);
  });
  return {
    total: () => seen.length,
    paths: () => [...seen],
    reset: () => {
      seen.length = 0;
    },
  };
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const hex = (b: Uint8Array | null | undefined): string | null =>
  b == null ? null : Buffer.from(b).toString("hex");
export const DAY = 24 * 3600 * 1000;
