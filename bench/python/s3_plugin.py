"""The Python plugin's get_multi and set_subkeys, served to the providers bench (issue #5's baselines for s3).

    python bench/python/s3_plugin.py [--endpoint URL] --region R --bucket B [--bucket-path P | --no-bucket-path]
                                     [--corpus JSONL]

Credentials come from NODESTORE_BENCH_PY_ACCESS_KEY / NODESTORE_BENCH_PY_SECRET_KEY (never argv, which `ps` shows).
The storage is getsentry/sentry-nodestore-s3's S3PassthroughDjangoNodeStorage as compat/shim re-implements it
(boto3, one request after another, zstd via python-zstandard, Sentry's simplejson encode/decode), with no
nodedata cache, as self-hosted runs it. --corpus: the bench's events (one {"id", "main", "subkeys"} per line),
loaded once, for "set".

Protocol: one JSON line out when ready ({"ready": true, versions...}); then per line in, one line out:
    {"op": "get_multi", "ids": [...]}   -> {"found": n}     storage.get_multi(ids)
    {"op": "set", "id": ..., "index": i} -> {"ok": true}     storage.set_subkeys(id, {None: main, **subkeys})
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "compat", "shim"))

from plugin_session import load_events, serve  # noqa: E402  (after the path setup)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", default=None, help="leave out for AWS")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--bucket-path", default=None)
    parser.add_argument("--no-bucket-path", action="store_true")
    parser.add_argument("--corpus", default=None)
    args = parser.parse_args()
    try:
        import boto3
        import simplejson
        import zstandard

        from sentry_nodestore_s3.backend import S3PassthroughDjangoNodeStorage
    except ImportError as e:
        print(json.dumps({"skipped": f"{type(e).__name__}: {e}"}), flush=True)
        return 0

    events = load_events(args.corpus, simplejson.loads)
    storage = S3PassthroughDjangoNodeStorage(
        bucket_name=args.bucket,
        bucket_path=None if args.no_bucket_path else args.bucket_path,
        endpoint_url=args.endpoint,
        region_name=args.region,
        aws_access_key_id=os.environ.get("NODESTORE_BENCH_PY_ACCESS_KEY"),
        aws_secret_access_key=os.environ.get("NODESTORE_BENCH_PY_SECRET_KEY"),
        compression=True,
    )
    return serve(
        storage,
        events,
        {
            "python": platform.python_version(),
            "boto3": boto3.__version__,
            "simplejson": simplejson.__version__,
            "zstandard": zstandard.__version__,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
