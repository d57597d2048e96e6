"""sentry.nodestore.django.DjangoNodeStorage, over psycopg2 instead of the Django ORM.

Same table and bytes as Sentry (research sentry-nodestore.md section 3):
    nodestore_node(id varchar(40) PRIMARY KEY, data text NOT NULL, "timestamp" timestamptz NOT NULL)
    data = sentry.utils.strings.compress(ENCODED_BYTES) = base64(zlib(...)); timestamp = time of the last write.
Writes follow create_or_update (UPDATE; if no row, INSERT; on IntegrityError, UPDATE again). Reads of missing
ids are None (get) or left out (get_multi). _decode is the legacy-tolerant override (pickle; errors -> {}).

The database is NODESTORE_PG_URL (or DATABASE_URL), or whatever `configure(url)` / the `dsn` argument sets.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import psycopg2

from sentry.nodestore.base import NodeStorage
from sentry.utils.strings import compress, decompress

logger = logging.getLogger("sentry")

_database_url: str | None = None

TABLE = "nodestore_node"


def configure(url: str | None) -> None:
    """Sets the PostgreSQL URL every DjangoNodeStorage created afterwards uses (like settings.DATABASES)."""
    global _database_url
    _database_url = url


def _url() -> str:
    url = _database_url or os.environ.get("NODESTORE_PG_URL") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("no database: set NODESTORE_PG_URL or call sentry.nodestore.django.backend.configure()")
    return url


def create_table(cursor, table: str = TABLE) -> None:
    """What Sentry's migrations create (names of the South-era indexes; Django-era names differ)."""
    cursor.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {table} (
            id character varying(40) NOT NULL PRIMARY KEY,
            data text NOT NULL,
            "timestamp" timestamp with time zone NOT NULL
        )"""
    )
    cursor.execute(f'CREATE INDEX IF NOT EXISTS {table}_timestamp ON {table} USING btree ("timestamp")')
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_id_like ON {table} USING btree (id varchar_pattern_ops)")


class DjangoNodeStorage(NodeStorage):
    """
    A Django-based backend for storing node data.
    """

    table = TABLE

    def __init__(self, dsn: str | None = None, table: str | None = None, **kwargs: Any) -> None:
        self._dsn = dsn
        if table:
            self.table = table
        self._conn = None

    # -- connection -------------------------------------------------------------------------------------
    def _connection(self):
        if self._conn is None or self._conn.closed:
            self._conn = psycopg2.connect(self._dsn or _url())
            self._conn.autocommit = True  # Django's default: every statement commits
        return self._conn

    def _cursor(self):
        return self._connection().cursor()

    def create_table(self) -> None:
        with self._cursor() as cur:
            create_table(cur, self.table)

    # -- NodeStorage --------------------------------------------------------------------------------------
    def delete(self, id: str) -> None:
        with self._cursor() as cur:
            cur.execute(f"DELETE FROM {self.table} WHERE id = %s", (id,))
        self._delete_cache_item(id)

    def delete_multi(self, id_list: list[str]) -> None:
        with self._cursor() as cur:
            cur.execute(f"DELETE FROM {self.table} WHERE id = ANY(%s)", (list(id_list),))
        self._delete_cache_items(id_list)

    def _decode(self, value: bytes | None, subkey: str | None) -> Any | None:
        if value is None:
            return None

        try:
            if value.startswith(b"{"):
                return NodeStorage._decode(self, value, subkey=subkey)

            if subkey is None:
                # Legacy format: a pickled dict (GzippedDictField era).
                return pickle.loads(value)

            return None
        except Exception as e:
            logger.exception(str(e))
            return {}

    def _get_bytes(self, id: str) -> bytes | None:
        with self._cursor() as cur:
            cur.execute(f"SELECT data FROM {self.table} WHERE id = %s", (id,))
            row = cur.fetchone()
        if row is None:
            return None
        return decompress(row[0])

    def _get_bytes_multi(self, id_list: list[str]) -> dict[str, bytes | None]:
        with self._cursor() as cur:
            cur.execute(f"SELECT id, data FROM {self.table} WHERE id = ANY(%s)", (list(id_list),))
            rows = cur.fetchall()
        return {id: decompress(data) for id, data in rows}

    def _set_bytes(self, id: str, data: bytes, ttl=None) -> None:
        # create_or_update(Node, id=id, values={"data": compress(data), "timestamp": timezone.now()})
        values = (compress(data), datetime.now(timezone.utc))
        with self._cursor() as cur:
            cur.execute(f'UPDATE {self.table} SET data = %s, "timestamp" = %s WHERE id = %s', (*values, id))
            if cur.rowcount > 0:
                return
            try:
                cur.execute(f'INSERT INTO {self.table} (id, data, "timestamp") VALUES (%s, %s, %s)', (id, *values))
            except psycopg2.IntegrityError:
                cur.execute(f'UPDATE {self.table} SET data = %s, "timestamp" = %s WHERE id = %s', (*values, id))

    def cleanup(self, cutoff_timestamp: datetime) -> None:
        now = datetime.now(timezone.utc)
        total_seconds = (now - cutoff_timestamp).total_seconds()
        days = math.floor(total_seconds / 86400)
        cutoff = now - timedelta(days=days)
        # BulkDeleteQuery(model=Node, dtfield="timestamp", days=days).execute(chunk_size=10000)
        while True:
            with self._cursor() as cur:
                cur.execute(
                    f"""
                    delete from {self.table}
                    where id = any(array(
                        select id from {self.table}
                        where "timestamp" < %s::timestamptz
                        limit 10000
                    ))""",
                    (cutoff.isoformat(),),
                )
                if cur.rowcount == 0:
                    break

    def bootstrap(self) -> None:
        # Sentry: a no-op (the table comes from migrations). See create_table().
        pass
