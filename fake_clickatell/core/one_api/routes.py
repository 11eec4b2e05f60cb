"""Where the One API's resources live: path and method -> the command (read by
:func:`..routing.resolve`)."""

from __future__ import annotations

from types import MappingProxyType

from ..routing import Route, Router, RouteRow

#: Path segments -> {method: command}.
ROUTES: tuple[RouteRow, ...] = (
    (("v1", "message"), MappingProxyType({"POST": "sendmsg"})),
    (("v1", "message", "*"), MappingProxyType({"GET": "querymsg"})),
    (("v1", "balance"), MappingProxyType({"GET": "getbalance"})),
)

#: How an unknown path's reason lists the resources.
RESOURCES = "POST /v1/message, GET /v1/message/{id}, GET /v1/balance"


_route = Router(ROUTES)


def route(method: str, path: str) -> Route:
    """The route of ``method`` on ``path`` (under ``/v1/``)."""
    return _route(method, path)
