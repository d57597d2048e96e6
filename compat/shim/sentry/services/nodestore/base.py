"""2025+ path of sentry.nodestore.base (Sentry moved the code; the old path became a shim)."""

from sentry.nodestore.base import *  # noqa: F401,F403
from sentry.nodestore.base import NodeStorage, json_dumps, json_loads  # noqa: F401
