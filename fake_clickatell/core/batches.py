"""Open batches (``/http_batch/*``): a template and its message options, kept for 24 hours.

``startbatch`` opens one; ``senditem`` fills its ``#name#`` placeholders from its own
parameters; ``quicksend`` sends the template unchanged; ``endbatch`` closes it. A batch
expires 24 hours after it started (virtual time); an unknown, closed or expired batch, or one
of another account, is not found.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from .accounts import AccountKey
from .commands import MessageOptions, Params

BATCH_LIFETIME = 24 * 3600.0


#: Parameters of senditem that are not template fields.
_NOT_FIELDS = frozenset({"session_id", "api_id", "user", "password", "batch_id", "to", "climsgid"})

_PLACEHOLDER = re.compile(r"#([^#]+)#")


@dataclass(slots=True)
class OpenBatch:
    """A started batch: its template (raw, as sent) and message options."""

    batch_id: str
    account: AccountKey
    template: str
    options: MessageOptions
    started_at: float

    def expired(self, now: float) -> bool:
        """True once the batch is 24 hours old."""
        return now - self.started_at >= BATCH_LIFETIME


def fill_template(template: str, params: Params) -> str:
    """``#name#`` placeholders replaced by the ``name`` parameters, in one left-to-right pass:
    a value is never filled in again, and a placeholder with no parameter stays as it is."""

    def value(match: re.Match[str]) -> str:
        name = match[1]
        found = None if name in _NOT_FIELDS else params.get(name)
        return match[0] if found is None else found

    return _PLACEHOLDER.sub(value, template)


class BatchStore(Container[str]):
    """The open batches of one gateway, by id."""

    __slots__ = ("_batches",)

    def __init__(self) -> None:
        self._batches: dict[str, OpenBatch] = {}

    def open(self, batch: OpenBatch) -> None:
        """Keep ``batch`` (its id is fresh)."""
        self._batches[batch.batch_id] = batch

    def find(self, batch_id: str, account: AccountKey, now: float) -> OpenBatch | None:
        """The live batch ``batch_id`` of ``account``; an expired one is forgotten."""
        batch = self._batches.get(batch_id)
        if batch is None or batch.account != account:
            return None
        if batch.expired(now):
            del self._batches[batch_id]
            return None
        return batch

    def close(self, batch_id: str) -> None:
        """Forget the batch ``batch_id``."""
        self._batches.pop(batch_id, None)

    def __contains__(self, batch_id: object) -> bool:
        return batch_id in self._batches

    def __len__(self) -> int:
        return len(self._batches)
