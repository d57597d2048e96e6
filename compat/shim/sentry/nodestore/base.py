"""sentry.nodestore.base.NodeStorage (newest semantics; research sentry-nodestore.md sections 1-2).

Byte format (`_encode`): simplejson with separators (",", ":"), sort_keys, ensure_ascii, allow_nan; the main
payload first, then for each subkey (dict insertion order) a line with its ASCII name and a line with its JSON;
joined with b"\\n", no trailing newline. `_decode` splits with bytes.splitlines() and scans key lines.

There is no "nodedata" cache here (self-hosted Sentry configures none), so every cache helper is a no-op.
"""

from __future__ import annotations

import threading
from typing import Any

from sentry.utils import json

# Sentry: sentry.utils.json.JSONEncoder(...).encode (simplejson.JSONEncoder)
json_dumps = json.JSONEncoder(
    separators=(",", ":"),
    sort_keys=True,
    skipkeys=False,
    ensure_ascii=True,
    check_circular=True,
    allow_nan=True,
    indent=None,
    encoding="utf-8",
    default=None,
).encode

json_loads = json.loads


class Service:
    __all__: tuple[str, ...] = ()

    def validate(self) -> None:
        """Raise InvalidConfiguration if there is a configuration error."""

    def setup(self) -> None:
        """Initialize this service."""


class NodeStorage(threading.local, Service):
    __all__ = (
        "delete",
        "delete_multi",
        "get",
        "get_bytes",
        "get_multi",
        "set",
        "set_bytes",
        "set_subkeys",
        "cleanup",
        "validate",
        "bootstrap",
    )

    def delete(self, id: str) -> None:
        raise NotImplementedError

    def delete_multi(self, id_list: list[str]) -> None:
        for id in id_list:
            self.delete(id)

    def _decode(self, value: bytes | None, subkey: str | None) -> Any | None:
        if value is None:
            return None

        lines_iter = iter(value.splitlines())
        try:
            if subkey is not None:
                # Those keys should be statically known identifiers in the app, such as
                # "unprocessed_event". There is really no reason to allow anything but ASCII here.
                _subkey = subkey.encode("ascii")

                next(lines_iter)

                for line in lines_iter:
                    if line.strip() == _subkey:
                        break

                    next(lines_iter)

            return json_loads(next(lines_iter))
        except StopIteration:
            return None

    def get_bytes(self, id: str) -> bytes | None:
        return self._get_bytes(id)

    def _get_bytes(self, id: str) -> bytes | None:
        raise NotImplementedError

    def get(self, id: str, subkey: str | None = None) -> Any:
        if subkey is None:
            item_from_cache = self._get_cache_item(id)
            if item_from_cache:
                return item_from_cache

        bytes_data = self._get_bytes(id)
        rv = self._decode(bytes_data, subkey=subkey)
        if subkey is None:
            # set cache item only after we know decoding did not fail
            self._set_cache_item(id, rv)
        return rv

    def _get_bytes_multi(self, id_list: list[str]) -> dict[str, bytes | None]:
        return {id: self._get_bytes(id) for id in id_list}

    def get_multi(self, id_list: list[str], subkey: str | None = None) -> dict[str, Any | None]:
        # remove duplicates, keep order
        id_list = list(dict.fromkeys(id_list))

        if subkey is None:
            cache_items = self._get_cache_items(id_list)
            if len(cache_items) == len(id_list):
                return cache_items
            uncached_ids = [id for id in id_list if id not in cache_items]
        else:
            uncached_ids = id_list

        items = {
            id: self._decode(value, subkey=subkey)
            for id, value in self._get_bytes_multi(uncached_ids).items()
        }
        if subkey is None:
            self._set_cache_items(items)
            items.update(cache_items)

        return items

    def _encode(self, data: dict[str | None, Any]) -> bytes:
        """
        Encode data dict in a way where its keys can be deserialized independently.
        A `None` key must always be present which is served as the "default" subkey
        (the regular event payload).

        >>> _encode({"unprocessed": {}, None: {"stacktrace": {}}})
        b'{"stacktrace":{}}\\nunprocessed\\n{}'
        """
        lines = [json_dumps(data.pop(None)).encode("utf8")]
        for key, value in data.items():
            if key is not None:
                lines.append(key.encode("ascii"))
                lines.append(json_dumps(value).encode("utf8"))

        return b"\n".join(lines)

    def set_bytes(self, item_id: str, data: bytes, ttl=None) -> None:
        return self._set_bytes(item_id, data, ttl=ttl)

    def _set_bytes(self, item_id: str, data: bytes, ttl=None) -> None:
        raise NotImplementedError

    def set(self, item_id: str, data, ttl=None) -> None:
        """Set value for `item_id`. This deletes existing subkeys for `item_id` as well."""
        return self.set_subkeys(item_id, {None: data}, ttl=ttl)

    def set_subkeys(self, item_id: str, data: dict[str | None, Any], ttl=None) -> None:
        cache_item = data.get(None)
        bytes_data = self._encode(data)
        self.set_bytes(item_id, bytes_data, ttl=ttl)
        # set cache only after encoding and write to nodestore has succeeded
        # (option nodestore.set-subkeys.enable-set-cache-item, default True)
        self._set_cache_item(item_id, cache_item)

    def cleanup(self, cutoff_timestamp) -> None:
        raise NotImplementedError

    def bootstrap(self) -> None:
        raise NotImplementedError

    # The "nodedata" cache: absent (caches["nodedata"] is not configured).
    @property
    def cache(self):
        return None

    def _get_cache_item(self, id: str) -> Any | None:
        if self.cache:
            return self.cache.get(id)
        return None

    def _get_cache_items(self, id_list: list[str]) -> dict[str, Any]:
        if self.cache:
            return self.cache.get_many(id_list)
        return {}

    def _set_cache_item(self, id: str, data: Any) -> None:
        if self.cache and data:
            self.cache.set(id, data)

    def _set_cache_items(self, items: dict[Any, Any]) -> None:
        if self.cache:
            self.cache.set_many(items)

    def _delete_cache_item(self, id: str) -> None:
        if self.cache:
            self.cache.delete(id)

    def _delete_cache_items(self, id_list: list[str]) -> None:
        if self.cache:
            self.cache.delete_many([id for id in id_list])
