"""sentry.utils.kvstore.abstract.KVStorage: the generic key/value storage interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class KVStorage(ABC, Generic[K, V]):
    @abstractmethod
    def get(self, key: K) -> V | None:
        raise NotImplementedError

    def get_many(self, keys: Sequence[K]) -> Iterator[tuple[K, V]]:
        for key in keys:
            value = self.get(key)
            if value is not None:
                yield key, value

    @abstractmethod
    def set(self, key: K, value: V, ttl: timedelta | None = None) -> None:
        raise NotImplementedError

    @abstractmethod
    def delete(self, key: K) -> None:
        raise NotImplementedError

    def delete_many(self, keys: Sequence[K]) -> None:
        for key in keys:
            self.delete(key)

    @abstractmethod
    def bootstrap(self, automatic_expiry: bool = True) -> None:
        raise NotImplementedError

    def destroy(self) -> None:
        raise NotImplementedError
