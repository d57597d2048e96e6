#!/usr/bin/env python3
"""Python reference timings for the @nodestore codec benchmark.

Times what Sentry itself runs on the same corpus the TypeScript side uses, imported from compat/shim (the
`sentry` stand-in the compatibility tests use, so the settings live in one place):
  * `NodeStorage._encode` with Sentry's JSON encoder (simplejson, separators=(",", ":"), sort_keys=True,
    ensure_ascii=True, allow_nan=True) and `NodeStorage._decode` (bytes.splitlines() + simplejson.loads),
  * zlib.compress / zlib.decompress (level -1 = 6, as Sentry),
  * base64(zlib(...)) / zlib.decompress(b64decode(...)) (sentry.utils.strings.compress, the Django column),
  * zstandard.ZstdCompressor().compress / ZstdDecompressor().decompress (level 3, python-zstandard defaults).

Input: a JSONL file, one {"id", "main", "subkeys": [[name, value], ...]} object per line.
Output: one JSON object on stdout (versions, byte counts, sha256 of the encodings, and "results" per operation).
With --serve it prints that object without "results" first, then answers one {"op": name, ...} request line on
stdin with one timing line on stdout, until stdin closes.
Exit code 3 (with {"skipped": reason}) if simplejson/zstandard is missing.
"""
import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import time
import zlib

# Launched as a plain script (no PYTHONPATH): the shim is found from this file's place, as s3_plugin.py does.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "compat", "shim"))

try:
    import simplejson
    import zstandard
    from sentry.nodestore.base import NodeStorage, json_loads
    from sentry.utils.strings import compress as django_compress, decompress as django_decompress
except ImportError as e:  # the caller prints why the reference was skipped
    print(json.dumps({"skipped": "%s (%s)" % (e, sys.executable)}))
    sys.exit(3)

_storage = NodeStorage()


def sentry_encode(main, subkeys):
    # What set_subkeys(id, {None: main, **subkeys}) encodes; _encode pops None, so each call gets its own dict.
    return _storage._encode({None: main, **subkeys})


def sentry_decode_main(value):
    return _storage._decode(value, subkey=None)


def decode_all(value):
    # every JSON line: the main value and each subkey value (what a lossless full parse has to do)
    lines = value.splitlines()
    out = [json_loads(lines[0])]
    for i in range(2, len(lines), 2):
        out.append(json_loads(lines[i]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds of timed rounds per operation")
    ap.add_argument("--min-rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--serve", action="store_true", help="time operations on request: one JSON line per op on stdin")
    args = ap.parse_args()

    events = []
    with open(args.corpus, "rb") as f:
        for line in f:
            if line.strip():
                obj = json_loads(line)
                events.append((obj["main"], {k: v for k, v in obj.get("subkeys") or []}))

    encoded = [sentry_encode(m, s) for m, s in events]
    main_bytes = sum(len(e.split(b"\n", 1)[0]) for e in encoded)
    total_bytes = sum(len(e) for e in encoded)
    zlibbed = [zlib.compress(e) for e in encoded]
    django = [django_compress(e) for e in encoded]
    cctx = zstandard.ZstdCompressor()
    dctx = zstandard.ZstdDecompressor()
    zstded = [cctx.compress(e) for e in encoded]

    def run_encode():
        for m, s in events:
            sentry_encode(m, s)

    def run_decode():
        for e in encoded:
            sentry_decode_main(e)

    def run_decode_all():
        for e in encoded:
            decode_all(e)

    def run_zlib_c():
        for e in encoded:
            zlib.compress(e)

    def run_zlib_d():
        for z in zlibbed:
            zlib.decompress(z)

    def run_django_c():
        for e in encoded:
            django_compress(e)

    def run_django_d():
        for s in django:
            django_decompress(s)

    def run_zstd_c():
        for e in encoded:
            cctx.compress(e)

    def run_zstd_d():
        for z in zstded:
            dctx.decompress(z)

    def run_django_write():
        for m, s in events:
            django_compress(sentry_encode(m, s))

    def run_django_read():
        for s in django:
            sentry_decode_main(django_decompress(s))

    ops = {
        "encode": run_encode,
        "decode": run_decode,
        "decode_all": run_decode_all,
        "zlib_compress": run_zlib_c,
        "zlib_decompress": run_zlib_d,
        "django_compress": run_django_c,
        "django_decompress": run_django_d,
        "zstd_compress": run_zstd_c,
        "zstd_decompress": run_zstd_d,
        "django_write": run_django_write,
        "django_read": run_django_read,
    }

    def time_op(name, min_time, min_rounds, warmup):
        fn = ops[name]
        for _ in range(warmup):
            fn()
        samples = []
        started = time.perf_counter()
        while len(samples) < min_rounds or time.perf_counter() - started < min_time:
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
        samples.sort()
        q = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))]
        return {
            "median_s": statistics.median(samples),
            "p10_s": q(0.1),
            "p90_s": q(0.9),
            "min_s": samples[0],
            "max_s": samples[-1],
            "rounds": len(samples),
        }

    try:
        from simplejson import _speedups  # noqa: F401

        speedups = True
    except ImportError:
        speedups = False
    meta = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "simplejson": simplejson.__version__,
        "simplejson_speedups": speedups,
        "zstandard": zstandard.__version__,
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "events": len(events),
        "main_bytes": main_bytes,
        "total_bytes": total_bytes,
        "zlib_bytes": sum(len(z) for z in zlibbed),
        "django_bytes": sum(len(s) for s in django),
        "zstd_bytes": sum(len(z) for z in zstded),
        "encoded_sha256": hashlib.sha256(b"\x00".join(encoded)).hexdigest(),
        "operations": list(ops),
    }
    if not args.serve:
        meta["results"] = {name: time_op(name, args.min_time, args.min_rounds, args.warmup) for name in ops}
        print(json.dumps(meta))
        return
    # --serve: announce, then time one operation per request line, so the caller can interleave its own runs
    print(json.dumps(meta), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        res = time_op(req["op"], req.get("min_time", args.min_time), req.get("min_rounds", args.min_rounds), req.get("warmup", args.warmup))
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
