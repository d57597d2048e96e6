/**
 * Issue #13's baselines for opensearch: the same writes without the nodestore layer (a bare `index` loop of
 * pre-encoded documents on the same client), and the real Python plugin's get_multi and set_subkeys on the same
 * namespace (through the same proxy for opensearch-rtt).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeNodeData } from "@nodestore/core";
import { toJsonl } from "@nodestore/corpus";
import type { OpenSearchBackend } from "@nodestore/opensearch";
import type { PythonPluginSession } from "../../python-plugin-session.js";
import type { Baselines, ReadBaseline, SetupContext, WriteBaseline } from "../../types.js";
import { startOpenSearchPythonPlugin } from "./python-plugin.js";

export interface Namespace {
  readonly url: string;
  readonly index: string;
  readonly alias: string;
  readonly template: string;
}

/** The Python plugin on the bench's namespace, fed the bench's events. `missing`: why there is none. */
export async function startPythonPlugin(
  ctx: SetupContext,
  ns: Namespace,
  codec: string,
): Promise<{
  python: PythonPluginSession | undefined;
  missing: string | undefined;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "nodestore-bench-os-py-"));
  const corpusPath = join(dir, "corpus.jsonl");
  await writeFile(corpusPath, toJsonl(ctx.corpus.events));
  const started = await startOpenSearchPythonPlugin({
    ...ns,
    corpusPath,
    env: {
      SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN: `${ns.alias}-*`,
      SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: "1",
      SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA: "0",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC: codec,
    },
    ...(ctx.options.env.NODESTORE_PYTHON ? { python: ctx.options.env.NODESTORE_PYTHON } : {}),
  });
  const python = started.ok ? started.session : undefined;
  return {
    python,
    missing: started.ok ? undefined : started.reason,
    async close() {
      python?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function openSearchBaselines(
  ctx: SetupContext,
  mod: typeof import("@nodestore/opensearch"),
  backend: OpenSearchBackend,
  python: PythonPluginSession | undefined,
  rtt: boolean,
): Baselines {
  const docs = ctx.corpus.derived("opensearch-doc", (bytes) => mod.documentFor(bytes, new Date()));
  const set: WriteBaseline[] = [
    {
      issue: 13,
      id: "bare-opensearch-index",
      comparisonId: "issue-13-set",
      label: "bare index loop",
      description:
        "bare client.index() of pre-encoded documents (base64(zlib) done beforehand) into the same daily index, same client",
      target: { of: "ratio", op: ">=", value: 0.85 },
      note: "nodestore setSubkeys (encode + zlib + base64 + a one-document _bulk) vs index alone, at equal concurrency",
      write: async (id, index) => {
        await backend.client.index({ index: backend.writeIndex(), id, body: docs[index]! });
      },
    },
    {
      issue: 13,
      id: "inline-codec-opensearch-index",
      comparisonId: "issue-13-set-inline-codec",
      label: "index with the encoding done inline",
      description:
        "bare client.index() whose document is encoded in the loop (encodeNodeData + zlib + base64), same client and index",
      target: null,
      note: "the same work as setSubkeys without the store and backend layers: the difference is their overhead, and the gap to the bare index loop is the codec's CPU (2 cores shared with OpenSearch)",
      write: async (id, index) => {
        const e = ctx.corpus.events[index]!;
        const body = mod.documentFor(encodeNodeData(e.main, e.subkeys), new Date());
        await backend.client.index({ index: backend.writeIndex(), id, body });
      },
    },
  ];
  const getMulti: ReadBaseline[] = [];
  if (python) {
    const v = python.versions;
    set.push({
      issue: 13,
      id: "python-plugin-set",
      comparisonId: "issue-13-set-python",
      label: "the Python plugin's set_subkeys",
      description: `the real sentry-opensearch-nodestore ${v["sentry-opensearch-nodestore"]}'s set_subkeys in a Python process (opensearch-py ${v["opensearch-py"]}, Python ${v.python}), same namespace, same events`,
      target: null,
      concurrencies: [1],
      note: "one call at a time, as one Sentry worker writes; timed from the bench, pipe to the Python process included",
      write: (id, index) => python.set(id, index),
    });
    getMulti.push({
      issue: 13,
      id: "python-plugin-getMulti100",
      comparisonId: "issue-13-getMulti100-python",
      label: "the Python plugin's get_multi",
      description: `the real sentry-opensearch-nodestore ${v["sentry-opensearch-nodestore"]}'s get_multi (opensearch-py ${v["opensearch-py"]}): the base class's loop, a search then a get per id, one id after another`,
      // Issue #13's target is for a cluster 10 ms away (opensearch-rtt); on loopback it is CPU against CPU.
      target: rtt ? { of: "ratio", op: ">=", value: 10 } : null,
      note: "ours: one real-time _mget for all ids over the alias's indices; timed from the bench, pipe to the Python process included",
      read: (ids) => python.getMulti(ids),
    });
  }
  return { set, getMulti };
}
