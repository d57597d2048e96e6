"""Reads a nodestore archive (see packages/cli/README.md, "Archive format") and prints one JSON line per node:
{"id", "timestamp_ms" (or null), "md5" (of the value), "size"}; then {"end": count, "meta": {...}}.
Only the documented format and the `zstandard` package: what another tool would write."""
import hashlib
import json
import struct
import sys

import zstandard


def read_exact(stream, n):
    out = b""
    while len(out) < n:
        chunk = stream.read(n - len(out))
        if not chunk:
            raise SystemExit(f"truncated: wanted {n} bytes, got {len(out)}")
        out += chunk
    return out


def main(path):
    with open(path, "rb") as f:
        stream = zstandard.ZstdDecompressor().stream_reader(f, read_across_frames=True)
        magic, version, meta_len = struct.unpack(">8sHI", read_exact(stream, 14))
        assert magic == b"NSARCHIV", magic
        assert version == 1, version
        meta = json.loads(read_exact(stream, meta_len))
        count = 0
        while True:
            (kind,) = read_exact(stream, 1)
            if kind == 0xFF:
                (expected,) = struct.unpack(">Q", read_exact(stream, 8))
                assert expected == count, (expected, count)
                assert stream.read(1) == b"", "data after the end record"
                print(json.dumps({"end": count, "meta": meta}))
                return
            assert kind == 0x01, kind
            (id_len,) = struct.unpack(">H", read_exact(stream, 2))
            node_id = read_exact(stream, id_len).decode("utf-8")
            (has_ts,) = read_exact(stream, 1)
            ts = struct.unpack(">q", read_exact(stream, 8))[0] if has_ts == 1 else None
            (size,) = struct.unpack(">I", read_exact(stream, 4))
            value = read_exact(stream, size)
            count += 1
            print(json.dumps({"id": node_id, "timestamp_ms": ts, "md5": hashlib.md5(value).hexdigest(), "size": size}))


if __name__ == "__main__":
    main(sys.argv[1])
