"""Where the JSON APIs' resources live: path and method -> the command, as a table.

Each JSON API (legacy REST, Platform, One API) writes its resources as rows of path segments
and the commands each method runs there; :func:`resolve` finds the row a request lands on. A
resource's commands keep the names of the HTTP API's commands that do the same thing, so a
scenario rule naming ``sendmsg`` applies to a send through any API (``when.api`` tells them
apart). A trailing slash is ignored; ``*`` stands for one path segment (a message id, a
number), handed to the command as its argument.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

#: One resource: its path segments (``*``: any one segment) and {method: command}.
RouteRow = tuple[tuple[str, ...], Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request landed: its command (``None``: no resource, or not by this method),
    the ``*`` segment it named, the methods the resource takes (empty: no resource), and the
    resource itself (its segments joined by ``/``, ``*`` as written; empty: none)."""

    command: str | None
    argument: str | None = None
    methods: tuple[str, ...] = ()
    resource: str = ""


NOWHERE = Route(None)


def segments(path: str) -> list[str]:
    """The segments of an absolute ``path``, one trailing slash ignored."""
    inner = path[1:]
    if inner.endswith("/"):
        inner = inner[:-1]
    return inner.split("/")


def resolve(table: tuple[RouteRow, ...], method: str, path: str) -> Route:
    """The route of ``method`` on ``path`` among the rows of ``table``."""
    parts = segments(path)
    for pattern, methods in table:
        if len(pattern) != len(parts):
            continue
        argument = None
        for expected, segment in zip(pattern, parts, strict=True):
            if expected == "*" and segment:
                argument = segment
            elif expected != segment:
                break
        else:
            return Route(methods.get(method), argument, tuple(methods), "/".join(pattern))
    return NOWHERE


class Router:
    """:func:`resolve` on one table, remembering the answers for the last 1,024 short paths:
    most requests land on the same few resources, and a lookup costs less than walking the
    rows again. A path over :data:`REMEMBERED_PATH` characters is walked every time, so that
    what is remembered stays small whatever clients send."""

    __slots__ = ("_cached", "_table")

    def __init__(self, table: tuple[RouteRow, ...]) -> None:
        self._table = table
        self._cached = functools.lru_cache(maxsize=1024)(functools.partial(resolve, table))

    def __call__(self, method: str, path: str) -> Route:
        if len(path) > REMEMBERED_PATH:
            return resolve(self._table, method, path)
        return self._cached(method, path)

    def remembered(self) -> int:
        """How many answers are remembered now."""
        return self._cached.cache_info().currsize


#: The longest path whose route a :class:`Router` remembers.
REMEMBERED_PATH = 256


def commands(table: tuple[RouteRow, ...]) -> frozenset[str]:
    """Every command a resource of ``table`` has."""
    return frozenset(command for _, methods in table for command in methods.values())
