"""The record of an exception the fake raised while handling a request (a bug in the fake).

The runtime keeps these so that a test can fail with the error its own request caused: the test
handle's local backend reads them in-process (with the exception itself), the remote backend
from ``GET /__admin/errors`` (without it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True, slots=True)
class RecordedError:
    """An exception the fake raised while handling a request (the request line is kept)."""

    method: str
    #: Path and query string, passwords masked.
    path: str
    #: ``repr()`` of the exception.
    error: str
    #: The server-side traceback, as text.
    traceback: str
    #: The exception itself when the fake runs in this process (``None`` for a remote fake).
    exception: BaseException | None = field(default=None, compare=False)
    #: The request's parameters (query string and form body), passwords masked.
    params: Mapping[str, str] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view (``GET /__admin/errors``)."""
        return {
            "method": self.method,
            "path": self.path,
            "error": self.error,
            "traceback": self.traceback,
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordedError:
        """Build one from ``GET /__admin/errors``."""
        return cls(
            data["method"],
            data["path"],
            data["error"],
            data["traceback"],
            params=dict(data.get("params", {})),
        )

    def request_line(self) -> str:
        """``METHOD path`` and, when the body carried parameters, those too (masked)."""
        shown = dict(parse_qsl(self.path.partition("?")[2], keep_blank_values=True))
        extra = {name: value for name, value in self.params.items() if shown.get(name) != value}
        if not extra:
            return f"{self.method} {self.path}"
        body = " ".join(f"{name}={_short(value)!r}" for name, value in extra.items())
        return f"{self.method} {self.path} [{body}]"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
