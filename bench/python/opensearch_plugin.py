"""The real sentry-opensearch-nodestore's get_multi and set_subkeys, served to the providers bench (issue #13's
baselines for opensearch).

    python bench/python/opensearch_plugin.py --url URL --index PATTERN --alias A --template T [--corpus JSONL]

The storage is the PyPI plugin itself (OpenSearchNodeStorage over an opensearch-py client, refresh=False as
Sentry runs it), with Sentry's _encode/_decode from compat/shim and no nodedata cache, as self-hosted runs it.
Its index-template settings come from the SENTRY_NODESTORE_OPENSEARCH_* environment variables the bench sets.
--corpus: the bench's events (one {"id", "main", "subkeys"} per line), loaded once, for "set".

Protocol: one JSON line out when ready ({"ready": true, versions...}); then per line in, one line out:
    {"op": "get_multi", "ids": [...]}   -> {"found": n}     storage.get_multi(ids)
    {"op": "set", "id": ..., "index": i} -> {"ok": true}     storage.set_subkeys(id, {None: main, **subkeys})
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "compat", "shim"))

from plugin_session import load_events, serve  # noqa: E402  (after the path setup)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--index", required=True, help='index pattern with "{date}"')
    parser.add_argument("--alias", required=True)
    parser.add_argument("--template", required=True)
    parser.add_argument("--corpus", default=None)
    args = parser.parse_args()
    # The plugin logs a warning per id it does not find; the bench reads stdout only.
    logging.basicConfig(stream=sys.stderr, level=logging.CRITICAL)
    try:
        from importlib.metadata import version

        import simplejson
        from opensearchpy import OpenSearch

        from sentry_opensearch_nodestore import OpenSearchNodeStorage
    except ImportError as e:
        print(json.dumps({"skipped": f"{type(e).__name__}: {e}"}), flush=True)
        return 0

    events = load_events(args.corpus, simplejson.loads)
    es = OpenSearch([args.url], timeout=30)
    storage = OpenSearchNodeStorage(
        es=es, index=args.index, alias_name=args.alias, template_name=args.template, refresh=False
    )
    return serve(
        storage,
        events,
        {
            "python": platform.python_version(),
            "sentry-opensearch-nodestore": version("sentry-opensearch-nodestore"),
            "opensearch-py": version("opensearch-py"),
            "simplejson": simplejson.__version__,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
