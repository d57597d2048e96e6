"""A re-implementation of getsentry/sentry-nodestore-s3 for @nodestore's compatibility tests.

The real package is installed from GitHub archives, not PyPI, so it cannot be installed here. This module is
written from the research notes (shared/research/seed-plugins.md sections 1.2-1.6: options, key layout with
bucket_path and object sharding, zstd only when not longer plus ContentEncoding, passthrough order), with the
same class name and options, so `SENTRY_NODESTORE = "sentry_nodestore_s3.S3PassthroughDjangoNodeStorage"`
configurations read the same here.
"""

from sentry_nodestore_s3.backend import S3PassthroughDjangoNodeStorage

__all__ = ["S3PassthroughDjangoNodeStorage"]
