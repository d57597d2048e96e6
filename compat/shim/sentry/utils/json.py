"""sentry.utils.json, as far as the nodestore uses it: simplejson's encoder and default decoder."""

from simplejson import JSONDecodeError, JSONEncoder, _default_decoder  # noqa: F401

__all__ = ("JSONDecodeError", "JSONEncoder", "loads")


def loads(value, use_rapid_json=False, skip_trace=False):
    """Sentry's `sentry.utils.json.loads`: simplejson's module-level default decoder (accepts str or bytes)."""
    return _default_decoder.decode(value)
