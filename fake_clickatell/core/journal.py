"""The request journal: every API request and its reply, bounded, with passwords masked."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .clock import iso_time

#: Journal entries kept by default; older ones are dropped first (documented in the README).
DEFAULT_JOURNAL_LIMIT = 10_000
#: Characters the kept entries may hold in all; older ones are dropped first past it.
DEFAULT_JOURNAL_CHARS = 64 * 1024 * 1024
#: A parameter value is kept up to this many characters (a whole 35-part message fits).
VALUE_LIMIT = 10_000
#: Parameters kept per entry (the first ones; a real request has a couple of dozen at most).
PARAM_LIMIT = 100

MASK = "********"
#: Parameters whose values never reach the journal or the log (compared in lower case:
#: a Platform HTTP integration sends its key as ``apiKey``).
SECRET_PARAMS = frozenset({"password", "token", "apikey"})


def mask_params(params: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``params`` with every secret value replaced by a mask."""
    if SECRET_PARAMS.isdisjoint(map(str.lower, params)):
        return dict(params)
    return {
        name: MASK if name.lower() in SECRET_PARAMS else value for name, value in params.items()
    }


def mask_query(query: str) -> str:
    """A query string with every secret value masked (``password=********``)."""
    pairs = parse_qsl(query, keep_blank_values=True, encoding="latin-1")
    return urlencode(list(mask_params(dict(pairs)).items()), safe="*", encoding="latin-1")


def _cut(value: str) -> str:
    if len(value) <= VALUE_LIMIT:
        return value
    return f"{value[:VALUE_LIMIT]}...[{len(value) - VALUE_LIMIT} more characters]"


def _bounded(params: Mapping[str, str]) -> dict[str, str]:
    """``params`` within :data:`PARAM_LIMIT` parameters, names and values cut to
    :data:`VALUE_LIMIT` characters."""
    return {
        _cut(name): _cut(value) for name, value in itertools.islice(params.items(), PARAM_LIMIT)
    }


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
    #: The HTTP status the client got; ``None`` when it got no reply (a scripted fault).
    status: int | None
    body: str
    rule: str | None = None
    #: Why the fake answered so (which parameter, credential or rule); ``None``: as asked.
    reason: str | None = None
    #: The API it came to (``http``, ``rest``); empty for a request outside every API.
    api: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the admin API's shape)."""
        return {
            "seq": self.seq,
            "time": self.time,
            "time_iso": iso_time(self.time),
            "method": self.method,
            "path": self.path,
            "command": self.command,
            "params": dict(self.params),
            "client_ip": self.client_ip,
            "status": self.status,
            "body": self.body,
            "rule": self.rule,
            "reason": self.reason,
            "api": self.api,
        }


class Journal:
    """A log of requests, bounded in entries and in characters; ``total`` counts every request
    ever recorded. Paths, names and values longer than :data:`VALUE_LIMIT` are cut (and say
    so), and at most :data:`PARAM_LIMIT` parameters are kept per entry, so no request can fill
    memory."""

    __slots__ = ("_chars", "_entries", "_limit", "_sizes", "char_limit", "total")

    def __init__(
        self, limit: int = DEFAULT_JOURNAL_LIMIT, char_limit: int = DEFAULT_JOURNAL_CHARS
    ) -> None:
        self._entries: deque[JournalEntry] = deque()
        self._sizes: deque[int] = deque()
        self._chars = 0
        self._limit = limit
        self.char_limit = char_limit
        self.total = 0

    @property
    def limit(self) -> int:
        """The most entries kept."""
        return self._limit

    def record(
        self,
        *,
        time: float,
        method: str,
        path: str,
        command: str,
        params: Mapping[str, str],
        client_ip: str,
        status: int | None,
        body: str,
        rule: str | None = None,
        reason: str | None = None,
        api: str = "",
    ) -> JournalEntry:
        """Append one entry (secrets masked, long values cut) and return it."""
        self.total += 1
        # Sums of lengths run in C; only a request over a bound pays for cutting it.
        chars = sum(map(len, params)) + sum(map(len, params.values()))
        if len(params) > PARAM_LIMIT or chars > VALUE_LIMIT:
            params = _bounded(params)
            chars = sum(map(len, params)) + sum(map(len, params.values()))
        entry = JournalEntry(
            self.total,
            time,
            method,
            _cut(path),
            command,
            mask_params(params),
            client_ip,
            status,
            body,
            rule,
            None if reason is None else _cut(reason),
            api,
        )
        size = len(entry.path) + len(body) + chars + len(entry.reason or "")
        self._entries.append(entry)
        self._sizes.append(size)
        self._chars += size
        while len(self._entries) > self._limit or (
            self._chars > self.char_limit and len(self._entries) > 1
        ):
            self._entries.popleft()
            self._chars -= self._sizes.popleft()
        return entry

    def entries(self) -> Iterable[JournalEntry]:
        """The kept entries, oldest first."""
        return tuple(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
