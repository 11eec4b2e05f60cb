"""Where the Platform's resources live: path and method -> the command (read by
:func:`..routing.resolve`), and which integration kind a send takes."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..routing import Route, Router, RouteRow

REST_SEND = "messages"
HTTP_SEND = "messages/http/send"

#: Path segments -> {method: command}.
ROUTES: tuple[RouteRow, ...] = (
    (("messages",), MappingProxyType({"POST": "sendmsg"})),
    (("messages", "http", "send"), MappingProxyType({"GET": "sendmsg", "POST": "sendmsg"})),
    (("public-client", "balance"), MappingProxyType({"GET": "getbalance"})),
    (("public-client", "message", "status"), MappingProxyType({"GET": "querymsg"})),
)

#: A send resource -> the kind of integration whose key it takes.
SEND_KINDS: Mapping[str, str] = MappingProxyType({REST_SEND: "rest", HTTP_SEND: "http"})

#: How an unknown path's reason lists the resources.
RESOURCES = (
    "POST /messages, GET|POST /messages/http/send, GET /public-client/balance,"
    " GET /public-client/message/status?messageId="
)


_route = Router(ROUTES)


def route(method: str, path: str) -> Route:
    """The route of ``method`` on ``path`` (under ``/messages`` or ``/public-client/``)."""
    return _route(method, path)
