"""What every bench/python/<plugin>_plugin.py shares: the bench's corpus as Sentry's set_subkeys takes it, and the
line protocol the TypeScript PythonPluginSession speaks (bench/src/benchmarks/providers/python-plugin-session.ts).

    ready:  {"ready": true, versions...}
    then per line in, one line out:
    {"op": "get_multi", "ids": [...]}    -> {"found": n}    storage.get_multi(ids)
    {"op": "set", "id": ..., "index": i} -> {"ok": true}    storage.set_subkeys(id, {None: main, **subkeys})
"""

from __future__ import annotations

import json
import sys


def load_events(path, loads):
    """The bench's events (one {"id", "main", "subkeys"} per line) as {None: main, name: value, ...}."""
    events = []
    if path:
        with open(path, "rb") as f:
            for line in f:
                if line.strip():
                    obj = loads(line)
                    data = {None: obj["main"]}
                    for name, value in obj.get("subkeys") or []:
                        data[name] = value
                    events.append(data)
    return events


def serve(storage, events, versions) -> int:
    """Says ready with `versions`, then answers requests from stdin until it closes."""
    print(json.dumps({"ready": True, **versions, "events": len(events)}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req["op"] == "get_multi":
            out = storage.get_multi(req["ids"])
            print(json.dumps({"found": sum(1 for v in out.values() if v is not None)}), flush=True)
        elif req["op"] == "set":
            # a copy: Sentry's _encode pops the None key out of the dict it is given
            storage.set_subkeys(req["id"], dict(events[req["index"]]))
            print(json.dumps({"ok": True}), flush=True)
        else:
            print(json.dumps({"error": f"unknown op {req['op']!r}"}), flush=True)
    return 0
