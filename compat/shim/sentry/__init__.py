"""A minimal stand-in for the `sentry` package, for @nodestore's compatibility tests only.

It is NOT Sentry. It carries just what the nodestore plugins import (sentry.nodestore.base,
sentry.nodestore.django, sentry.utils.codecs, sentry.utils.kvstore.abstract, sentry.utils.strings,
sentry.utils.json), written to behave exactly like Sentry's code for the nodestore byte format:
see shared/research/sentry-nodestore.md sections 1-3. There is no Django, no cache ("nodedata" cache absent,
as in self-hosted Sentry) and no metrics.
"""
