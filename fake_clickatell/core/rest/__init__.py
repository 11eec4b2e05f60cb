"""The legacy REST API (``/rest/...``) as a :class:`~..protocol.Protocol`.

JSON in and out, ``Authorization: Bearer <token>`` and ``X-Version: 1``, HTTP statuses that
carry meaning (202, 207, 400, 401, 402, 404, 405, 410, 429, 503). Its modules: :mod:`.routes`
(paths and methods -> commands), :mod:`.body` (reading a request), :mod:`.handlers` (the
commands), :mod:`.replies` (reply values and their bytes), :mod:`.codes` (errors as data).
"""

from __future__ import annotations

from types import MappingProxyType

from ..codes import Err
from ..commands import api_error
from ..handlers.context import Context
from ..protocol import REST, Protocol
from ..push_plans import legacy_status_push
from ..request import APPLICATION_JSON, ApiRequest
from ..rules import RequestFacts
from . import handlers
from .body import read, recipients_seen
from .codes import CODES, TEXTS
from .replies import RestReply, Unrouted, reason, render
from .routes import route as route_of

__all__ = ["PROTOCOL", "prepare"]


def prepare(request: ApiRequest) -> ApiRequest:
    """Route the request and read its headers, query and body (:mod:`.body`): its command
    is the resource's (``sendmsg``, ...), or its path when it names none."""
    route = route_of(request.method, request.path)
    rest, params = read(route, request.method, request.headers, request.query, request.body)
    return request.routed(route.command or request.path, params, rest)


def _facts(gateway: Context, request: ApiRequest, now: float) -> RequestFacts:
    """The account the token names (in open mode, the one it would make) and the recipients."""
    rest = handlers.given(request)
    account = gateway.accounts.key_for(REST, rest.token) if rest.token is not None else None
    return RequestFacts(
        request.command,
        request.params,
        account,
        recipients_seen(rest.fields.get("to")),
        now,
        REST,
        request.method,
        request.path,
    )


def _unrouted(gateway: Context, request: ApiRequest) -> RestReply:
    """404 under ``/rest/`` for no resource, 405 for a method the resource does not take."""
    route = handlers.given(request).route
    path = request.path
    if route.methods:
        reason = f"{request.method} {path}: this resource takes {', '.join(route.methods)}"
        status = 405
    else:
        reason = (
            f"{path} is not a resource of the REST API (POST /rest/message,"
            " GET|DELETE /rest/message/{id}, GET /rest/account/balance,"
            " GET /rest/coverage/{msisdn})"
        )
        status = 404
    return Unrouted(status, gateway.error(Err.INVALID_PARAMETERS, reason=reason, api=REST))


PROTOCOL = Protocol(
    api=REST,
    content_type=APPLICATION_JSON,
    handlers=MappingProxyType(
        {
            "sendmsg": handlers.send,
            "querymsg": handlers.query,
            "delmsg": handlers.stop,
            "getbalance": handlers.balance,
            "routeCoverage": handlers.coverage,
        }
    ),
    prepare=prepare,
    facts=_facts,
    render=render,
    reason=reason,
    unrouted=_unrouted,
    texts=TEXTS,
    codes=CODES,
    status_push=legacy_status_push,
    failure=render(api_error(Err.INTERNAL, defaults=TEXTS)),
)
