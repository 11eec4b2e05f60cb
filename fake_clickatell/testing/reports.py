"""How the test handle words a failure: matchers, listings, and the error it re-raises."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..app.errors import RecordedError
from ..core.journal import JournalEntry

#: Messages or requests listed in an assertion's failure message.
SHOWN = 20

Matcher = str | re.Pattern[str]
#: The message fields :meth:`FakeClickatell.assert_sent` matches on, by keyword.
MESSAGE_FIELDS = (
    "to",
    "text",
    "sender",
    "climsgid",
    "api_id",
    "user",
    "status",
    "apimsgid",
    "api",
    "integration",
)


def matches(value: str | None, expected: Matcher) -> bool:
    """A string must be equal; a compiled pattern must be found in ``value``."""
    if value is None:
        return False
    if isinstance(expected, re.Pattern):
        return expected.search(value) is not None
    return value == expected


def criteria_text(criteria: Mapping[str, Matcher]) -> str:
    """``name=value ...`` as a test wrote them."""

    def show(value: Matcher) -> str:
        return f"re.compile({value.pattern!r})" if isinstance(value, re.Pattern) else repr(value)

    return " ".join(f"{name}={show(value)}" for name, value in criteria.items())


def plural(count: int, noun: str) -> str:
    """``1 message``, ``2 messages``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def listing(lines: Sequence[str], what: str) -> list[str]:
    """Numbered lines, the last :data:`SHOWN` of them."""
    shown = [f"  [{number}] {line}" for number, line in enumerate(lines, 1)][-SHOWN:]
    if len(lines) > SHOWN:
        shown.insert(0, f"  ... {len(lines) - SHOWN} earlier {what} not shown")
    return shown


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_request(entry: JournalEntry) -> str:
    """One line for a journaled request: method, path, parameters, reply, and why."""
    params = " ".join(f"{name}={short(value)!r}" for name, value in entry.params.items())
    line = f"{entry.method} {entry.path} {params} -> {short(entry.body, 80)!r}"
    return f"{line} (why: {short(entry.reason, 160)})" if entry.reason else line


class FakeServerError(Exception):
    """The fake raised while handling requests of this test; the first one is the cause.

    ``errors`` holds every one, each with the request that caused it.
    """

    def __init__(self, errors: Sequence[RecordedError]) -> None:
        self.errors = tuple(errors)
        count = plural(len(self.errors), "exception")
        lines = [f"the fake raised {count} while handling this test's requests"]
        for error in self.errors:
            lines.append(f"  {error.request_line()}: {error.error}")
        first = self.errors[0]
        if first.exception is None:  # else it is the __cause__, shown with its traceback
            lines.append("")
            lines.append(f"Server-side traceback of the first ({first.method} {first.path}):")
            lines.append(first.traceback.rstrip())
        super().__init__("\n".join(lines))
