"""The Python plugin's get_multi, served to the providers bench (issue #5's baseline for s3 getMulti(100)).

    python bench/python/s3_get_multi.py [--endpoint URL] --region R --bucket B [--bucket-path P | --no-bucket-path]

Credentials come from NODESTORE_BENCH_PY_ACCESS_KEY / NODESTORE_BENCH_PY_SECRET_KEY (never argv, which `ps` shows).
The storage is getsentry/sentry-nodestore-s3's S3PassthroughDjangoNodeStorage as compat/shim re-implements it
(boto3, one GetObject after another, zstd via python-zstandard, Sentry's simplejson decode), with no nodedata
cache, as self-hosted runs it.

Protocol: one JSON line out when ready ({"ready": true, versions...}); then for each line in, {"ids": [...]},
one line out: {"found": n, "seconds": s}, the time of storage.get_multi(ids) alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "compat", "shim"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", default=None, help="leave out for AWS")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--bucket-path", default=None)
    parser.add_argument("--no-bucket-path", action="store_true")
    args = parser.parse_args()
    try:
        import boto3
        import simplejson
        import zstandard

        from sentry_nodestore_s3.backend import S3PassthroughDjangoNodeStorage
    except ImportError as e:
        print(json.dumps({"skipped": f"{type(e).__name__}: {e}"}), flush=True)
        return 0

    storage = S3PassthroughDjangoNodeStorage(
        bucket_name=args.bucket,
        bucket_path=None if args.no_bucket_path else args.bucket_path,
        endpoint_url=args.endpoint,
        region_name=args.region,
        aws_access_key_id=os.environ.get("NODESTORE_BENCH_PY_ACCESS_KEY"),
        aws_secret_access_key=os.environ.get("NODESTORE_BENCH_PY_SECRET_KEY"),
        compression=True,
    )
    print(
        json.dumps(
            {
                "ready": True,
                "python": platform.python_version(),
                "boto3": boto3.__version__,
                "simplejson": simplejson.__version__,
                "zstandard": zstandard.__version__,
            }
        ),
        flush=True,
    )
    for line in sys.stdin:
        if not line.strip():
            continue
        ids = json.loads(line)["ids"]
        t0 = time.perf_counter()
        out = storage.get_multi(ids)
        seconds = time.perf_counter() - t0
        found = sum(1 for v in out.values() if v is not None)
        print(json.dumps({"found": found, "seconds": seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
