"""sentry.utils.codecs: the Codec interface and the zlib / zstd byte codecs."""

from __future__ import annotations

import zlib
from abc import ABC, abstractmethod
from typing import Generic, TypeVar

import zstandard

T = TypeVar("T")
TDecoded = TypeVar("TDecoded")
TEncoded = TypeVar("TEncoded")


class Codec(ABC, Generic[TDecoded, TEncoded]):
    """Transforms data between two representations."""

    @abstractmethod
    def encode(self, value: TDecoded) -> TEncoded:
        raise NotImplementedError

    @abstractmethod
    def decode(self, value: TEncoded) -> TDecoded:
        raise NotImplementedError

    def __or__(self, codec: Codec[TEncoded, T]) -> ChainedCodec[TDecoded, T]:
        return ChainedCodec(self, codec)


class ChainedCodec(Codec[TDecoded, TEncoded]):
    def __init__(self, outer, inner) -> None:
        self.outer = outer
        self.inner = inner

    def encode(self, value):
        return self.inner.encode(self.outer.encode(value))

    def decode(self, value):
        return self.outer.decode(self.inner.decode(value))


class BytesCodec(Codec[str, bytes]):
    def __init__(self, encoding: str = "utf8") -> None:
        self.encoding = encoding

    def encode(self, value: str) -> bytes:
        return value.encode(self.encoding)

    def decode(self, value: bytes) -> str:
        return value.decode(self.encoding)


class ZlibCodec(Codec[bytes, bytes]):
    """Plain zlib.compress (zlib wrapper, default level, header 78 9c) / zlib.decompress."""

    def encode(self, value: bytes) -> bytes:
        return zlib.compress(value)

    def decode(self, value: bytes) -> bytes:
        return zlib.decompress(value)


class ZstdCodec(Codec[bytes, bytes]):
    """python-zstandard one-shot defaults: level 3, one frame, content size in the header, no checksum.

    The one-shot decompress() fails on frames without a content size ("could not determine content size in
    frame header"), exactly as Sentry's readers do.
    """

    def encode(self, value: bytes) -> bytes:
        return zstandard.ZstdCompressor().compress(value)

    def decode(self, value: bytes) -> bytes:
        return zstandard.ZstdDecompressor().decompress(value)
