"""Listings in pages: what the admin API hands out, a bounded slice at a time."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Items per page when the caller names no limit, and the most it may ask for.
DEFAULT_PAGE = 1000
MAX_PAGE = 10_000
#: The furthest offset asked for (far past anything the fake holds).
MAX_OFFSET = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """``items`` from position ``offset`` of a listing of ``total`` items (``limit``: the most
    asked for; ``None``: all of them)."""

    items: list[T]
    offset: int
    limit: int | None
    total: int

    @classmethod
    def of(cls, listing: Iterable[T], total: int, offset: int, limit: int | None) -> Page[T]:
        """The page of ``listing`` (which has ``total`` items) at ``offset``."""
        stop = None if limit is None else offset + limit
        return cls(list(itertools.islice(listing, offset, stop)), offset, limit, total)

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts; ``None`` after the last."""
        end = self.offset + len(self.items)
        return end if end < self.total else None

    def info(self) -> dict[str, Any]:
        """``{"offset", "limit", "total", "next_offset"}``: the admin API's ``page`` object."""
        return {
            "offset": self.offset,
            "limit": self.limit,
            "total": self.total,
            "next_offset": self.next_offset,
        }
