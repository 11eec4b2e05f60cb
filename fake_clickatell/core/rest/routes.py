"""Where the legacy REST API's resources live: path and method -> the command, as a table.

A resource's commands keep the names of the HTTP API's commands that do the same thing, so a
scenario rule naming ``sendmsg`` applies to a send through either API (``when.api`` tells
them apart). A trailing slash is ignored; ``*`` stands for one path segment (a message id, a
number), handed to the command as its argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

PREFIX = "/rest/"

#: Path segments under ``/rest/`` -> {method: command}.
ROUTES: tuple[tuple[tuple[str, ...], Mapping[str, str]], ...] = (
    (("message",), MappingProxyType({"POST": "sendmsg", "GET": "querymsg"})),
    (("message", "*"), MappingProxyType({"GET": "querymsg", "DELETE": "delmsg"})),
    (("account", "balance"), MappingProxyType({"GET": "getbalance"})),
    (("coverage", "*"), MappingProxyType({"GET": "routeCoverage"})),
)

#: Every command a REST resource has.
COMMANDS = frozenset(command for _, methods in ROUTES for command in methods.values())


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request landed: its command (``None``: no resource, or not by this method),
    the ``*`` segment it named, and the methods the resource takes (empty: no resource)."""

    command: str | None
    argument: str | None = None
    methods: tuple[str, ...] = ()


def resolve(method: str, path: str) -> Route:
    """The route of ``method`` on ``path`` (which starts with ``/rest/``)."""
    rest = path[len(PREFIX) :]
    if rest.endswith("/"):
        rest = rest[:-1]
    segments = rest.split("/")
    for pattern, methods in ROUTES:
        if len(pattern) != len(segments):
            continue
        argument = None
        for expected, segment in zip(pattern, segments, strict=True):
            if expected == "*" and segment:
                argument = segment
            elif expected != segment:
                break
        else:
            return Route(methods.get(method), argument, tuple(methods))
    return Route(None)
