"""sentry.utils.strings.compress / decompress: standard base64 of a zlib stream (default level), as text."""

import base64
import zlib


def compress(value: bytes) -> str:
    return base64.b64encode(zlib.compress(value)).decode("utf-8")


def decompress(value: str) -> bytes:
    return zlib.decompress(base64.b64decode(value))
