"""Where the legacy REST API's resources live: path and method -> the command, as a table
(read by :func:`..routing.resolve`)."""

from __future__ import annotations

from types import MappingProxyType

from ..routing import Route, Router, RouteRow, commands

PREFIX = "/rest/"

#: Path segments -> {method: command}.
ROUTES: tuple[RouteRow, ...] = (
    (("rest", "message"), MappingProxyType({"POST": "sendmsg", "GET": "querymsg"})),
    (("rest", "message", "*"), MappingProxyType({"GET": "querymsg", "DELETE": "delmsg"})),
    (("rest", "account", "balance"), MappingProxyType({"GET": "getbalance"})),
    (("rest", "coverage", "*"), MappingProxyType({"GET": "routeCoverage"})),
)

#: Every command a REST resource has.
COMMANDS = commands(ROUTES)

__all__ = ["COMMANDS", "PREFIX", "ROUTES", "Route", "route"]


_route = Router(ROUTES)


def route(method: str, path: str) -> Route:
    """The route of ``method`` on ``path`` (which starts with ``/rest/``)."""
    return _route(method, path)
