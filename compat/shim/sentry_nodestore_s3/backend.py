"""S3PassthroughDjangoNodeStorage: the getsentry/sentry-nodestore-s3 storage format and behaviour.

* Key: `{bucket_path}/{id}` (just `{id}` when bucket_path is None; an empty string is NOT None). With
  object_sharding: id split as id[:2], id[2:6], id[6:], empty parts dropped, joined with "/", same prefix rule.
* Body: zstd(ENCODED_BYTES) with ContentEncoding="zstd" when compression is on and the result is not longer;
  otherwise the raw bytes with ContentEncoding="" (sent on every put). No ContentType, metadata or tags.
* Read: decode only when the returned ContentEncoding is exactly "zstd". NoSuchKey -> None; other errors raise.
  With object_sharding_fallback, a sharded miss retries the flat key; deletes remove both.
* Passthrough: write_through writes Postgres first, then S3; read_through falls back to Postgres on an S3 miss
  (or empty body); delete_through deletes Postgres first; cleanup only touches Postgres (needs delete_through).
* Retries: botocore standard mode, max_attempts = retry_attempts (retries after the first request).
"""

from __future__ import annotations

import os

import boto3
from botocore.config import Config

from sentry.nodestore.base import NodeStorage
from sentry.nodestore.django import DjangoNodeStorage
from sentry.utils.codecs import ZstdCodec

DEFAULT_CA_BUNDLE = os.environ.get("DEFAULT_CA_BUNDLE")


class S3PassthroughDjangoNodeStorage(DjangoNodeStorage, NodeStorage):
    compression_strategies = {
        "zstd": ZstdCodec(),
    }

    def __init__(
        self,
        delete_through=False,
        write_through=False,
        read_through=False,
        compression=True,
        bucket_name=None,
        region_name=None,
        bucket_path=None,
        endpoint_url=None,
        retry_attempts=3,
        aws_access_key_id=None,
        aws_secret_access_key=None,
        signature_version=None,
        use_ssl=True,
        ca_bundle_path=DEFAULT_CA_BUNDLE,
        skip_tls_verify=False,
        object_sharding=False,
        object_sharding_fallback=False,
        # shim only: where the passthrough table is (DjangoNodeStorage(dsn=..., table=...))
        dsn=None,
        table=None,
    ):
        self.delete_through = delete_through
        self.write_through = write_through
        self.read_through = read_through

        if compression:
            self.compression = "zstd"
        else:
            self.compression = None

        self.bucket_name = bucket_name
        self.bucket_path = bucket_path
        self.object_sharding = object_sharding
        self.object_sharding_fallback = object_sharding_fallback

        if ca_bundle_path:
            verify = ca_bundle_path
        else:
            verify = not skip_tls_verify
            if skip_tls_verify:
                import urllib3

                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

        self.client = boto3.client(
            service_name="s3",
            config=Config(
                retries={
                    "mode": "standard",
                    "max_attempts": retry_attempts,
                },
                signature_version=signature_version,
            ),
            region_name=region_name,
            endpoint_url=endpoint_url,
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            use_ssl=use_ssl,
            verify=verify,
        )

        super().__init__(dsn=dsn, table=table)

    # -- keys ---------------------------------------------------------------------------------------------
    def key_for_id(self, id: str, sharded: bool | None = None) -> str:
        if sharded is None:
            sharded = self.object_sharding
        key = id
        if sharded:
            key = "/".join(part for part in (id[:2], id[2:6], id[6:]) if part)
        if self.bucket_path is not None:
            return f"{self.bucket_path}/{key}"
        return key

    # -- NodeStorage --------------------------------------------------------------------------------------
    def delete(self, id):
        if self.delete_through:
            super().delete(id)

        self.__delete_from_bucket(id)
        self._delete_cache_item(id)

    def delete_multi(self, id_list):
        if self.delete_through:
            super().delete_multi(id_list)

        # TODO (as upstream): use the bulk DeleteObjects API
        for id in id_list:
            self.__delete_from_bucket(id)

        self._delete_cache_items(id_list)

    def cleanup(self, cutoff_timestamp):
        if self.delete_through:
            super().cleanup(cutoff_timestamp)

    def _get_bytes(self, id):
        if self.read_through:
            return self.__read_from_bucket(id) or super()._get_bytes(id)

        return self.__read_from_bucket(id)

    def _get_bytes_multi(self, id_list):
        return {id: self._get_bytes(id) for id in id_list}

    def _set_bytes(self, id, data, ttl=None):
        if self.write_through:
            super()._set_bytes(id, data, ttl)

        self.__write_to_bucket(id, data)

    # -- S3 -----------------------------------------------------------------------------------------------
    def __delete_from_bucket(self, id):
        keys = [self.key_for_id(id)]
        if self.object_sharding and self.object_sharding_fallback:
            keys.append(self.key_for_id(id, sharded=False))
        for key in keys:
            try:
                self.client.delete_object(Key=key, Bucket=self.bucket_name)
            except self.client.exceptions.NoSuchKey:
                pass

    def __get_object(self, id):
        try:
            return self.client.get_object(Key=self.key_for_id(id), Bucket=self.bucket_name)
        except self.client.exceptions.NoSuchKey:
            if not (self.object_sharding and self.object_sharding_fallback):
                return None
        try:
            return self.client.get_object(Key=self.key_for_id(id, sharded=False), Bucket=self.bucket_name)
        except self.client.exceptions.NoSuchKey:
            return None

    def __read_from_bucket(self, id):
        obj = self.__get_object(id)
        if obj is None:
            return None

        data = obj["Body"].read()

        codec = self.compression_strategies.get(obj.get("ContentEncoding"))
        return codec.decode(data) if codec else data

    def __write_to_bucket(self, id, data):
        content_encoding = ""

        if self.compression:
            compressed_data = self.compression_strategies[self.compression].encode(data)
            if len(compressed_data) <= len(data):
                data = compressed_data
                content_encoding = self.compression

        self.client.put_object(
            Key=self.key_for_id(id),
            Body=data,
            Bucket=self.bucket_name,
            ContentEncoding=content_encoding,
        )
