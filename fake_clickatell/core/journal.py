"""The request journal: every API request and its reply, bounded, with passwords masked."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

#: Journal entries kept by default; older ones are dropped first (documented in the README).
DEFAULT_JOURNAL_LIMIT = 10_000

MASK = "********"
#: Parameters whose values never reach the journal or the log.
SECRET_PARAMS = frozenset({"password", "token"})


def mask_params(params: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``params`` with every secret value replaced by a mask."""
    return {
        name: MASK if name.lower() in SECRET_PARAMS else value for name, value in params.items()
    }


def mask_query(query: str) -> str:
    """A query string with every secret value masked (``password=********``)."""
    pairs = parse_qsl(query, keep_blank_values=True, encoding="latin-1")
    return urlencode(list(mask_params(dict(pairs)).items()), safe="*", encoding="latin-1")


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One API request as the fake saw and answered it."""

    seq: int
    time: float
    method: str
    path: str
    command: str
    params: Mapping[str, str]
    client_ip: str
    status: int
    body: str
    rule: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the admin API's shape)."""
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "command": self.command,
            "params": dict(self.params),
            "client_ip": self.client_ip,
            "status": self.status,
            "body": self.body,
            "rule": self.rule,
        }


class Journal:
    """A bounded log of requests; ``total`` counts every request ever recorded."""

    __slots__ = ("_entries", "total")

    def __init__(self, limit: int = DEFAULT_JOURNAL_LIMIT) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=limit)
        self.total = 0

    @property
    def limit(self) -> int:
        """The most entries kept."""
        return self._entries.maxlen or 0

    def record(
        self,
        *,
        time: float,
        method: str,
        path: str,
        command: str,
        params: Mapping[str, str],
        client_ip: str,
        status: int,
        body: str,
        rule: str | None = None,
    ) -> JournalEntry:
        """Append one entry (secrets masked) and return it."""
        self.total += 1
        entry = JournalEntry(
            self.total,
            time,
            method,
            path,
            command,
            mask_params(params),
            client_ip,
            status,
            body,
            rule,
        )
        self._entries.append(entry)
        return entry

    def entries(self) -> Iterable[JournalEntry]:
        """The kept entries, oldest first."""
        return tuple(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
