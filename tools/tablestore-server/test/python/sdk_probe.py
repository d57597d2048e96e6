"""Drives the local Tablestore server with the official Python SDK (tablestore on PyPI, as compat/ requires it)
and prints one JSON document of what each call returned or raised. The Python SDK checks what the npm SDK does
not: response headers (content MD5, date, request id, content type) and the response signature.

    python sdk_probe.py ENDPOINT INSTANCE ACCESS_KEY_ID ACCESS_KEY_SECRET
"""

import base64
import json
import logging
import sys
import urllib.request

logging.disable(logging.CRITICAL)

from tablestore import (  # noqa: E402
    INF_MAX,
    INF_MIN,
    BatchGetRowRequest,
    BatchWriteRowRequest,
    CapacityUnit,
    Condition,
    DeleteRowItem,
    Direction,
    OTSClient,
    OTSClientError,
    OTSServiceError,
    PutRowItem,
    ReservedThroughput,
    Row,
    RowExistenceExpectation,
    TableInBatchGetRowItem,
    TableInBatchWriteRowItem,
    TableMeta,
    TableOptions,
)
from tablestore.retry import NoRetryPolicy  # noqa: E402

endpoint, instance, key_id, secret = sys.argv[1:5]
out = {}


def client(**kw):
    opts = {"retry_policy": NoRetryPolicy(), "socket_timeout": 10}
    opts.update(kw)
    return OTSClient(endpoint, opts.pop("key_id", key_id), opts.pop("secret", secret), instance, **opts)


def fault(rule):
    req = urllib.request.Request(
        endpoint + "/_nodestore/faults",
        data=json.dumps({"rules": [rule]}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(req).read()


def outcome(fn):
    try:
        return {"ok": fn()}
    except OTSServiceError as e:
        return {"service_error": [e.get_http_status(), e.get_error_code(), e.get_error_message()]}
    except OTSClientError as e:
        return {"client_error": str(e.get_error_message())}


def cell(value):
    if isinstance(value, bytearray):
        return {"binary": base64.b64encode(bytes(value)).decode()}
    return value


c = client()
t = "py_probe"
meta = TableMeta(t, [("id", "STRING")])
c.create_table(meta, TableOptions(-1, 1), ReservedThroughput(CapacityUnit(0, 0)))
d = c.describe_table(t)
out["describe"] = {
    "pk": d.table_meta.schema_of_primary_key,
    "ttl": d.table_options.time_to_live,
    "max_version": d.table_options.max_version,
    "deviation": d.table_options.max_time_deviation,
    "read": d.reserved_throughput_details.capacity_unit.read,
}
out["list"] = list(c.list_table())
out["update"] = c.update_table(t, TableOptions(86400 * 30, 1)).table_options.time_to_live
out["create_again"] = outcome(lambda: c.create_table(meta, TableOptions(-1, 1), ReservedThroughput(CapacityUnit(0, 0))))
out["create_ttl_3600"] = outcome(
    lambda: c.create_table(TableMeta("py_ttl", [("id", "STRING")]), TableOptions(3600, 1), ReservedThroughput(CapacityUnit(0, 0)))
)

c.put_row(t, Row([("id", "a")], [("blob", bytearray(b"\x00\xff")), ("bytes", b"raw"), ("i", 7), ("f", 1.5), ("b", True), ("s", "h\u00e9")]))
_, row, _ = c.get_row(t, [("id", "a")], max_version=1)
out["get"] = {"pk": row.primary_key, "columns": [[n, cell(v)] for n, v, _ in row.attribute_columns]}
out["get_missing"] = c.get_row(t, [("id", "zz")], max_version=1)[1]
out["put_expect_not_exist"] = outcome(
    lambda: c.put_row(t, Row([("id", "a")], [("x", 1)]), Condition(RowExistenceExpectation.EXPECT_NOT_EXIST))
)
out["get_missing_table"] = outcome(lambda: c.get_row("nope", [("id", "a")], max_version=1))
out["wrong_pk"] = outcome(lambda: c.get_row(t, [("other", "a")], max_version=1))
out["big_cell"] = outcome(lambda: c.put_row(t, Row([("id", "big")], [("data", bytearray(2 * 1024 * 1024 + 1))])))

req = BatchWriteRowRequest()
req.add(
    TableInBatchWriteRowItem(
        t, [PutRowItem(Row([("id", "k%03d" % i)], [("v", i)]), Condition(RowExistenceExpectation.IGNORE)) for i in range(10)]
    )
)
fault({"api": "BatchWriteRow", "code": "OTSRowOperationConflict", "rows": [3]})
res = c.batch_write_row(req)
succeeded, failed = res.get_put()
out["batch_write"] = {"ok": len(succeeded), "failed": [[f.error_code, f.error_message] for f in failed]}
req = BatchGetRowRequest()
req.add(TableInBatchGetRowItem(t, [[("id", "k%03d" % i)] for i in range(10)], max_version=1))
out["batch_get"] = [
    [item.is_ok, item.row.primary_key[0][1] if item.row else None] for item in c.batch_get_row(req).get_result_by_table(t)
]

pages = []
start = [("id", INF_MIN)]
while start:
    _, start, rows, _ = c.get_range(t, Direction.FORWARD, start, [("id", INF_MAX)], max_version=1, limit=4)
    pages.append([r.primary_key[0][1] for r in rows])
out["range_pages"] = pages

# What a scan asks for: keys (+ flags) of every row, attributes only, a time window.
import time  # noqa: E402

ts = "py_scan"
c.create_table(TableMeta(ts, [("id", "STRING")]), TableOptions(-1, 1), ReservedThroughput(CapacityUnit(0, 0)))
c.put_row(ts, Row([("id", "a-flagged")], [("data", bytearray(b"x")), ("flags", 2)]))
c.put_row(ts, Row([("id", "b-raw")], [("data", bytearray(b"y"))]))
c.put_row(ts, Row([("id", "c-key-only")], []))
now = int(time.time() * 1000)
hour = 3600 * 1000


def scan_rows(**kw):
    rows = []
    start = [("id", INF_MIN)]
    while start:
        _, start, page, _ = c.get_range(ts, Direction.FORWARD, start, [("id", INF_MAX)], limit=2, **kw)
        rows += [[r.primary_key[0][1], [[n, v, abs(t - now) < 60000] for n, v, t in r.attribute_columns]] for r in page]
    return rows


out["scan_keys_and_flags"] = scan_rows(columns_to_get=["id", "flags"])
out["scan_flags_only"] = scan_rows(columns_to_get=["flags"])
out["scan_window_now"] = [r[0] for r in scan_rows(columns_to_get=["flags"], max_version=None, time_range=(now - hour, now + hour))]
out["scan_window_later"] = scan_rows(time_range=(now + hour, now + 2 * hour))
req = BatchGetRowRequest()
req.add(TableInBatchGetRowItem(ts, [[("id", k)] for k in ("a-flagged", "b-raw", "c-key-only")], ["data"], time_range=(0, now + hour)))
out["batch_window"] = [item.row.primary_key[0][1] if item.row else None for item in c.batch_get_row(req).get_result_by_table(ts)]
c.delete_table(ts)

fault({"api": "GetRow", "corrupt": True})
out["corrupt_answer"] = outcome(lambda: c.get_row(t, [("id", "a")], max_version=1))
fault({"api": "GetRow", "code": "OTSServerBusy"})
out["server_busy"] = outcome(lambda: c.get_row(t, [("id", "a")], max_version=1))
fault({"api": "GetRow", "code": "OTSServerBusy"})
out["server_busy_retried"] = outcome(lambda: OTSClient(endpoint, key_id, secret, instance).get_row(t, [("id", "a")], max_version=1)[1].primary_key)

out["wrong_secret"] = outcome(lambda: client(secret="wrong").list_table())
out["v4_signature"] = outcome(lambda: list(client(region="cn-hangzhou").list_table()))
out["v4_wrong_secret"] = outcome(lambda: client(region="cn-hangzhou", secret="wrong").list_table())
out["sts"] = outcome(lambda: list(client(key_id="STS.temp", secret="temp-secret", sts_token="token-1").list_table()))
out["sts_wrong"] = outcome(lambda: client(key_id="STS.temp", secret="temp-secret", sts_token="bad").list_table())
c.delete_table(t)
out["deleted"] = outcome(lambda: c.describe_table(t))
print(json.dumps(out))
