#!/usr/bin/env python3
"""The Python reference side of @nodestore's byte-compatibility tests: Sentry's code paths, driven from a shell.

    python compat/ref.py BACKEND OP [ID ...] [options]

BACKEND is one of
    django       Sentry's nodestore_node table in PostgreSQL (sentry.nodestore.django, psycopg2)
    s3           getsentry/sentry-nodestore-s3 (re-implemented in compat/shim/sentry_nodestore_s3)
    opensearch   the real sentry-opensearch-nodestore plugin (PyPI)
    tablestore   the real sentry-tablestore plugin (PyPI)
    codec        pure byte operations (no storage)
and `versions` prints the versions of everything involved.

Storage OPs (every backend but codec):
    put ID          stdin: the node's main value as JSON. With --subkeys, stdin is {"main": ..., "subkeys":
                    {"name": value, ...}} (subkeys written in that order). With --bytes FMT, stdin is the raw
                    encoded bytes (FMT: b64, hex or raw) and goes through set_bytes.
    get ID          stdout: the decoded value as JSON (null when missing). --subkey NAME reads a subkey.
                    With --bytes FMT: {"b64": ...} or {"hex": ...} of get_bytes(), or null.
    get-multi ID... stdout: get_multi's dict as the plugin returns it (Django omits missing ids; --subkey NAME works)
    delete ID...    delete (one id) or delete_multi (several)
    inspect ID      stdout: how the node is stored (S3 key, ContentEncoding and body; the Django row; the
                    OpenSearch index and fields; the Tablestore columns), bytes in base64
    bootstrap       the backend's bootstrap() (OpenSearch index template; Tablestore table; Django: create the
                    table if missing, which Sentry's migrations do)
    cleanup         cleanup(cutoff) with --cutoff ISO-8601 or --days N
Codec OPs:
    encode          stdin: {"main": ..., "subkeys": {...} or [[name, value], ...]} (or a bare main value with
                    --main); stdout: {"encoded_b64", "zlib_b64", "django_data", "zstd_b64"}
    decode          stdin: bytes (--in b64|hex|raw, default b64) in the form --from encoded|zlib|zstd|django
                    (django = the text of the data column); stdout: the decoded value (--subkey NAME)

Connection settings come from the environment (what `pnpm services env` exports) or flags:
    NODESTORE_PG_URL / --pg-url; NODESTORE_S3_ENDPOINT, NODESTORE_S3_ACCESS_KEY, NODESTORE_S3_SECRET_KEY,
    NODESTORE_S3_REGION / --s3-*; NODESTORE_OPENSEARCH_URL / --os-url; NODESTORE_TABLESTORE_ENDPOINT,
    NODESTORE_TABLESTORE_INSTANCE, NODESTORE_TABLESTORE_ACCESS_KEY_ID, NODESTORE_TABLESTORE_ACCESS_KEY_SECRET /
    --ots-* (plus --ots-table, --ots-default-ttl SECONDS, --ots-automatic-expiry, --ots-no-retry).

Output is one JSON document on stdout (simplejson, sorted keys; NaN/Infinity are written as such). Failure:
exit 1 (2 for usage errors) and one line on stderr: "ref.py: error: <Type>: <message>".
"""

from __future__ import annotations

import argparse
import base64
import binascii
import logging
import os
import sys
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "shim"))

REF_CLI_VERSION = 1
DJANGO_TABLE = "nodestore_node"


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------------------------------------
# I/O helpers


def _dumps(value) -> str:
    import simplejson

    return simplejson.dumps(value, sort_keys=True, allow_nan=True)


def _read_stdin_bytes() -> bytes:
    return sys.stdin.buffer.read()


def _read_stdin_json():
    import simplejson

    data = _read_stdin_bytes()
    if not data.strip():
        raise UsageError("expected JSON on stdin")
    return simplejson.loads(data)


def _decode_bytes(data: bytes, fmt: str) -> bytes:
    if fmt == "raw":
        return data
    text = data.decode("ascii").strip()
    if fmt == "b64":
        return base64.b64decode(text, validate=True)
    if fmt == "hex":
        return binascii.unhexlify(text)
    raise UsageError(f"unknown byte format {fmt!r} (b64, hex, raw)")


def _encode_bytes(data: bytes, fmt: str) -> dict:
    if fmt == "hex":
        return {"hex": data.hex()}
    return {"b64": base64.b64encode(data).decode("ascii")}


def _b64(data) -> str | None:
    if data is None:
        return None
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(bytes(data)).decode("ascii")


def _truthy(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


# --------------------------------------------------------------------------------------------------------
# Backends


def make_django(args):
    from sentry.nodestore.django.backend import DjangoNodeStorage, configure

    configure(args.pg_url)
    return DjangoNodeStorage(dsn=args.pg_url, table=args.table)


def make_s3(args):
    from sentry_nodestore_s3 import S3PassthroughDjangoNodeStorage

    if not args.s3_endpoint:
        raise UsageError("no S3 endpoint: set NODESTORE_S3_ENDPOINT or pass --s3-endpoint")
    bucket_path = None if args.no_bucket_path else args.bucket_path
    return S3PassthroughDjangoNodeStorage(
        delete_through=args.delete_through,
        write_through=args.write_through,
        read_through=args.read_through,
        compression=args.compression != "none",
        bucket_name=args.bucket,
        region_name=args.s3_region,
        bucket_path=bucket_path,
        endpoint_url=args.s3_endpoint,
        retry_attempts=args.retry_attempts,
        aws_access_key_id=args.s3_access_key,
        aws_secret_access_key=args.s3_secret_key,
        object_sharding=args.sharding,
        object_sharding_fallback=args.sharding_fallback,
        skip_tls_verify=args.s3_skip_tls_verify,
        dsn=args.pg_url,
        table=args.table,
        # only when given: the plugin's own default is the DEFAULT_CA_BUNDLE environment variable
        **({"ca_bundle_path": args.s3_ca_bundle} if args.s3_ca_bundle else {}),
    )


def make_opensearch(args):
    from opensearchpy import OpenSearch

    if not args.os_url:
        raise UsageError("no OpenSearch: set NODESTORE_OPENSEARCH_URL or pass --os-url")
    # Test-sized defaults for the plugin's env settings, unless the caller set them: one shard, no replica,
    # and best_compression because the zstd codec is a separate plugin the integ-test distribution lacks.
    os.environ.setdefault("SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS", "1")
    os.environ.setdefault("SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA", "0")
    os.environ.setdefault("SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC", "best_compression")
    from sentry_opensearch_nodestore import OpenSearchNodeStorage

    es = OpenSearch([args.os_url], timeout=30)
    kwargs = {"es": es, "refresh": args.os_refresh, "alias_name": args.os_alias, "template_name": args.os_template}
    if args.os_index:
        kwargs["index"] = args.os_index
    return OpenSearchNodeStorage(**kwargs)


def make_tablestore(args):
    from sentry_tablestore.nodestore.backend import TablestoreNodeStorage

    if not args.ots_endpoint:
        raise UsageError("no Tablestore: set NODESTORE_TABLESTORE_ENDPOINT or pass --ots-endpoint")
    client_options = {
        "end_point": args.ots_endpoint,
        "access_key_id": args.ots_access_key_id,
        "access_key_secret": args.ots_access_key_secret,
        "socket_timeout": args.ots_timeout,
    }
    if args.ots_sts_token:
        client_options["sts_token"] = args.ots_sts_token
    if args.ots_no_retry:
        from tablestore.retry import NoRetryPolicy

        client_options["retry_policy"] = NoRetryPolicy()
    compression = {"none": False, "zlib": "zlib", "zstd": "zstd"}[args.compression]
    default_ttl = None if args.ots_default_ttl is None else timedelta(seconds=args.ots_default_ttl)
    return TablestoreNodeStorage(
        instance=args.ots_instance,
        table=args.ots_table,
        compression=compression,
        default_ttl=default_ttl,
        automatic_expiry=args.ots_automatic_expiry,
        **client_options,
    )


BACKENDS = {
    "django": make_django,
    "s3": make_s3,
    "opensearch": make_opensearch,
    "tablestore": make_tablestore,
}


def _before_read(args, store):
    """OpenSearch reads go through search: refresh the alias first so a fresh write is visible."""
    if args.backend == "opensearch" and args.os_refresh:
        from opensearchpy import exceptions

        try:
            store.es.indices.refresh(index=store.alias_name)
        except exceptions.NotFoundError:
            pass


def _before_write(args, store):
    if args.no_bootstrap:
        return
    if args.backend == "django":
        store.create_table()
    elif args.backend == "opensearch":
        store.bootstrap()


def inspect(args, store, id):
    if args.backend == "django":
        with store._cursor() as cur:
            cur.execute(f'SELECT id, data, "timestamp" FROM {store.table} WHERE id = %s', (id,))
            row = cur.fetchone()
        if row is None:
            return None
        return {"table": store.table, "id": row[0], "data": row[1], "timestamp": row[2].isoformat()}
    if args.backend == "s3":
        keys = [store.key_for_id(id)]
        if store.object_sharding and store.object_sharding_fallback:
            keys.append(store.key_for_id(id, sharded=False))
        for key in keys:
            try:
                obj = store.client.get_object(Bucket=store.bucket_name, Key=key)
            except store.client.exceptions.NoSuchKey:
                continue
            body = obj["Body"].read()
            return {
                "bucket": store.bucket_name,
                "key": key,
                "content_encoding": obj.get("ContentEncoding"),
                "content_type": obj.get("ContentType"),
                "content_length": obj.get("ContentLength"),
                "metadata": obj.get("Metadata") or {},
                "body_b64": _b64(body),
            }
        return None
    if args.backend == "opensearch":
        _before_read(args, store)
        res = store.es.search(index=store.alias_name, body={"query": {"term": {"_id": id}}}, stored_fields=["data", "timestamp"])
        hits = res["hits"]["hits"]
        if not hits:
            return None
        return {
            "total": res["hits"]["total"]["value"],
            "hits": [
                {
                    "index": h["_index"],
                    "id": h["_id"],
                    "data": (h.get("fields") or {}).get("data", [None])[0],
                    "timestamp": (h.get("fields") or {}).get("timestamp", [None])[0],
                }
                for h in hits
            ],
        }
    if args.backend == "tablestore":
        client = store.store._get_client()
        _, row, _ = client.get_row(store.store.table_name, [("id", id)], max_version=1)
        if row is None:
            return None
        columns = {}
        for name, value, ts in row.attribute_columns:
            if isinstance(value, (bytes, bytearray)):
                columns[name] = {"type": "binary", "b64": _b64(value), "timestamp": ts}
            elif isinstance(value, str):
                columns[name] = {"type": "string", "value": value, "timestamp": ts}
            else:
                columns[name] = {"type": type(value).__name__, "value": value, "timestamp": ts}
        return {"table": store.store.table_name, "id": id, "columns": columns}
    raise UsageError(f"inspect is not supported for {args.backend}")


def _row_key(row) -> str:
    pk = getattr(row, "primary_key", None)
    return " ".join(f"{name}={value}" for name, value in pk) if pk else repr(row)


def run_storage(args):
    store = BACKENDS[args.backend](args)
    op, ids = args.op, args.ids

    def one_id():
        if len(ids) != 1:
            raise UsageError(f"{op} takes exactly one id")
        return ids[0]

    if op == "put":
        id = one_id()
        _before_write(args, store)
        if args.bytes:
            store.set_bytes(id, _decode_bytes(_read_stdin_bytes(), args.bytes))
        elif args.subkeys:
            doc = _read_stdin_json()
            if not isinstance(doc, dict) or "main" not in doc:
                raise UsageError('with --subkeys, stdin must be {"main": ..., "subkeys": {...}}')
            data = {None: doc["main"]}
            subkeys = doc.get("subkeys") or {}
            items = subkeys.items() if isinstance(subkeys, dict) else [tuple(p) for p in subkeys]
            for name, value in items:
                data[name] = value
            store.set_subkeys(id, data)
        else:
            store.set(id, _read_stdin_json())
        return {"ok": True, "id": id}
    if op == "get":
        id = one_id()
        _before_read(args, store)
        if args.bytes:
            data = store.get_bytes(id)
            return None if data is None else _encode_bytes(data, args.bytes)
        return store.get(id, subkey=args.subkey)
    if op == "get-multi":
        if not ids:
            raise UsageError("get-multi takes one or more ids")
        _before_read(args, store)
        # Exactly what the plugin returns: Django's backend omits missing ids, the S3 plugin maps them to None.
        result = store.get_multi(ids, subkey=args.subkey)
        if args.backend == "tablestore":
            # sentry-tablestore keys the values it read by Row object, not by id (every id stays None): render
            # such keys as "<Row id=...>" so the dict can be printed as it is.
            result = {k if isinstance(k, str) else f"<{type(k).__name__} {_row_key(k)}>": v for k, v in result.items()}
        return result
    if op == "delete":
        if not ids:
            raise UsageError("delete takes one or more ids")
        _before_read(args, store)
        if len(ids) == 1:
            store.delete(ids[0])
        else:
            store.delete_multi(ids)
        if args.backend == "opensearch" and args.os_refresh:
            _before_read(args, store)
        return {"ok": True, "deleted": ids}
    if op == "inspect":
        return inspect(args, store, one_id())
    if op == "bootstrap":
        if args.backend == "django":
            store.create_table()
        else:
            store.bootstrap()
        return {"ok": True}
    if op == "cleanup":
        if args.cutoff:
            cutoff = datetime.fromisoformat(args.cutoff.replace("Z", "+00:00"))
            if cutoff.tzinfo is None:
                cutoff = cutoff.replace(tzinfo=timezone.utc)
        elif args.days is not None:
            cutoff = datetime.now(timezone.utc) - timedelta(days=args.days)
        else:
            raise UsageError("cleanup needs --cutoff ISO-8601 or --days N")
        store.cleanup(cutoff)
        return {"ok": True, "cutoff": cutoff.isoformat()}
    raise UsageError(f"unknown op {op!r} for {args.backend}")


def run_codec(args):
    import zlib

    from sentry.nodestore.base import NodeStorage
    from sentry.utils.codecs import ZstdCodec
    from sentry.utils.strings import compress, decompress

    codec = NodeStorage()
    if args.op == "encode":
        doc = _read_stdin_json()
        if args.main:
            data = {None: doc}
        else:
            if not isinstance(doc, dict) or "main" not in doc:
                raise UsageError('stdin must be {"main": ..., "subkeys": ...} (or pass --main)')
            data = {None: doc["main"]}
            subkeys = doc.get("subkeys") or {}
            items = subkeys.items() if isinstance(subkeys, dict) else [tuple(p) for p in subkeys]
            for name, value in items:
                data[name] = value
        encoded = codec._encode(data)
        return {
            "encoded_b64": _b64(encoded),
            "zlib_b64": _b64(zlib.compress(encoded)),
            "django_data": compress(encoded),
            "zstd_b64": _b64(ZstdCodec().encode(encoded)),
        }
    if args.op == "decode":
        raw = _read_stdin_bytes()
        source = args.source
        if source == "django":
            encoded = decompress(raw.decode("ascii").strip())
        else:
            data = _decode_bytes(raw, args.input)
            if source == "encoded":
                encoded = data
            elif source == "zlib":
                encoded = zlib.decompress(data)
            elif source == "zstd":
                encoded = ZstdCodec().decode(data)
            else:
                raise UsageError(f"unknown --from {source!r} (encoded, zlib, zstd, django)")
        return codec._decode(encoded, subkey=args.subkey)
    raise UsageError(f"unknown codec op {args.op!r} (encode, decode)")


def versions():
    from importlib import metadata

    out = {"python": sys.version.split()[0], "ref_cli": REF_CLI_VERSION}
    for dist in (
        "simplejson",
        "zstandard",
        "boto3",
        "botocore",
        "psycopg2-binary",
        "opensearch-py",
        "sentry-opensearch-nodestore",
        "tablestore",
        "sentry-tablestore",
        "sentry-sdk",
    ):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    # The plugins must import against the shim.
    import sentry_opensearch_nodestore  # noqa: F401
    import sentry_tablestore.nodestore.backend  # noqa: F401
    import sentry_nodestore_s3  # noqa: F401

    out["sentry-nodestore-s3"] = "re-implementation (compat/shim/sentry_nodestore_s3)"
    return out


# --------------------------------------------------------------------------------------------------------
# CLI


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser():
    env = os.environ.get
    p = Parser(prog="ref.py", description=__doc__.split("\n\n")[0], add_help=True)
    p.add_argument("backend", choices=["django", "s3", "opensearch", "tablestore", "codec", "versions"])
    p.add_argument("op", nargs="?")
    p.add_argument("ids", nargs="*")
    # values
    p.add_argument("--subkey", help="read this subkey")
    p.add_argument("--subkeys", action="store_true", help='put: stdin is {"main": ..., "subkeys": {...}}')
    p.add_argument("--bytes", choices=["b64", "hex", "raw"], help="put/get raw encoded bytes in this form")
    p.add_argument("--main", action="store_true", help="codec encode: stdin is the bare main value")
    p.add_argument("--from", dest="source", default="encoded", choices=["encoded", "zlib", "zstd", "django"])
    p.add_argument("--in", dest="input", default="b64", choices=["b64", "hex", "raw"])
    p.add_argument("--no-bootstrap", action="store_true", help="put: skip creating the table / index template")
    p.add_argument("--verbose", action="store_true", help="show library logs on stderr")
    p.add_argument("--cutoff")
    p.add_argument("--days", type=float)
    # django
    p.add_argument("--pg-url", default=env("NODESTORE_PG_URL"))
    p.add_argument("--table", default=DJANGO_TABLE, help="Django table (default nodestore_node)")
    # s3
    p.add_argument("--s3-endpoint", default=env("NODESTORE_S3_ENDPOINT"))
    p.add_argument("--s3-access-key", default=env("NODESTORE_S3_ACCESS_KEY"))
    p.add_argument("--s3-secret-key", default=env("NODESTORE_S3_SECRET_KEY"))
    p.add_argument("--s3-region", default=env("NODESTORE_S3_REGION") or "us-east-1")
    p.add_argument("--s3-ca-bundle", default=None, help="ca_bundle_path: PEM file of the CA(s) to trust (https)")
    p.add_argument("--s3-skip-tls-verify", action="store_true", help="skip_tls_verify=True")
    p.add_argument("--bucket", default=env("NODESTORE_S3_BUCKET") or "nodestore")
    p.add_argument("--bucket-path", default="nodestore", help='key prefix (default "nodestore", as self-hosted)')
    p.add_argument("--no-bucket-path", action="store_true", help="bucket_path=None: keys are bare ids")
    p.add_argument("--sharding", action="store_true", help="object_sharding=True")
    p.add_argument("--sharding-fallback", action="store_true", help="object_sharding_fallback=True")
    p.add_argument("--read-through", action="store_true")
    p.add_argument("--write-through", action="store_true")
    p.add_argument("--delete-through", action="store_true")
    p.add_argument("--retry-attempts", type=int, default=3)
    p.add_argument(
        "--compression",
        choices=["zstd", "zlib", "none"],
        default=None,
        help="s3: zstd (default) or none; tablestore: none (default), zlib or zstd",
    )
    # opensearch
    p.add_argument("--os-url", default=env("NODESTORE_OPENSEARCH_URL"))
    p.add_argument("--os-index", help='index pattern with "{date}" (default: the plugin\'s sentry-{date})')
    p.add_argument("--os-alias", default="sentry")
    p.add_argument("--os-template", default="sentry")
    p.add_argument(
        "--os-refresh",
        default=_truthy(env("NODESTORE_REF_OS_REFRESH"), True),
        type=lambda v: _truthy(v, True),
        help="true (default): writes use refresh=True and reads refresh the alias first",
    )
    # tablestore
    p.add_argument("--ots-endpoint", default=env("NODESTORE_TABLESTORE_ENDPOINT"))
    p.add_argument("--ots-instance", default=env("NODESTORE_TABLESTORE_INSTANCE") or "sentry")
    p.add_argument("--ots-access-key-id", default=env("NODESTORE_TABLESTORE_ACCESS_KEY_ID") or "test")
    p.add_argument("--ots-access-key-secret", default=env("NODESTORE_TABLESTORE_ACCESS_KEY_SECRET") or "test")
    p.add_argument("--ots-table", default="nodestore")
    p.add_argument("--ots-timeout", type=float, default=10)
    p.add_argument("--ots-no-retry", action="store_true", help="NoRetryPolicy instead of the SDK's default")
    p.add_argument("--ots-sts-token", default=env("NODESTORE_TABLESTORE_STS_TOKEN"), help="sts_token")
    p.add_argument("--ots-default-ttl", type=float, default=None, help="default_ttl, in seconds")
    p.add_argument("--ots-automatic-expiry", action="store_true", help="automatic_expiry=True (bootstrap sets the table TTL)")
    return p


def main(argv=None):
    args = build_parser().parse_intermixed_args(argv)
    # Library log lines (the Tablestore SDK warns at import) would clutter stderr, whose one line is the error.
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.CRITICAL)
    if args.backend == "versions":
        result = versions()
    else:
        if not args.op:
            raise UsageError(f"{args.backend}: missing OP")
        if args.backend == "codec":
            result = run_codec(args)
        else:
            if args.compression is None:
                args.compression = "zstd" if args.backend == "s3" else "none"
            if args.backend == "s3" and args.compression == "zlib":
                raise UsageError("s3: --compression is zstd or none")
            result = run_storage(args)
    sys.stdout.write(_dumps(result) + "\n")
    return 0


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UsageError as e:
        sys.stderr.write(f"ref.py: usage error: {_one_line(e)} (see python compat/ref.py --help)\n")
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - the CLI contract: one line, non-zero exit
        name = type(e).__name__
        if name == "error":  # zlib.error, binascii.Error-like lowercase names: qualify them
            name = f"{type(e).__module__}.{name}"
        sys.stderr.write(f"ref.py: error: {name}: {_one_line(e)}\n")
        sys.exit(1)
