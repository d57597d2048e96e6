import { PythonPluginSession } from "../../python-plugin-session.js";

export interface PythonPluginSettings {
  readonly url: string;
  /** Index pattern with `{date}`, alias and template: the bench's namespace. */
  readonly index: string;
  readonly alias: string;
  readonly template: string;
  /** SENTRY_NODESTORE_OPENSEARCH_* for the plugin's template settings. */
  readonly env: Record<string, string>;
  /** The bench's events as JSONL (`toJsonl`), for `set`. */
  readonly corpusPath: string;
  readonly python?: string;
}

/** The real sentry-opensearch-nodestore (bench/python/opensearch_plugin.py) in a long-lived Python process. */
export function startOpenSearchPythonPlugin(s: PythonPluginSettings) {
  const args = ["--url", s.url, "--index", s.index, "--alias", s.alias, "--template", s.template];
  args.push("--corpus", s.corpusPath);
  return PythonPluginSession.start(
    "python/opensearch_plugin.py",
    args,
    { ...process.env, ...s.env },
    s.python,
  );
}
