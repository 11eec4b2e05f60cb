"""Pages of a list as the web UI numbers them: from 1, a fixed size, clamped to what exists."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pager:
    """Page ``page`` (from 1) of ``total`` items, ``size`` a page; a page past the last is
    the last."""

    page: int
    size: int
    total: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", min(max(self.page, 1), self.pages))

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        """Index of the page's first item."""
        return (self.page - 1) * self.size

    @property
    def stop(self) -> int:
        """Index just past the page's last item."""
        return min(self.start + self.size, self.total)

    @property
    def previous(self) -> int | None:
        """The page before, if any."""
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        """The page after, if any."""
        return self.page + 1 if self.page < self.pages else None
