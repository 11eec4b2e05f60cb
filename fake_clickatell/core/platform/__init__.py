"""Clickatell's Platform (``/messages``, ``/messages/http/send``, ``/public-client/...``) as a
:class:`~..protocol.Protocol`.

Integrations' API keys (``Authorization: <apiKey>``, or ``apiKey=`` on the HTTP send), JSON
out, 202 for any processed send with one entry per recipient. Its modules: :mod:`.routes`
(paths and methods -> commands), :mod:`.body` (reading a request), :mod:`.handlers` (the
commands), :mod:`.replies` (their bytes), :mod:`.codes` (errors as data), :mod:`.pushes`
(status and reply callbacks). What it shares with the One API is :mod:`..integrations`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..accounts import Account
from ..grammar import ApiError
from ..handlers.context import Context
from ..integrations.replies import Unrouted
from ..protocol import PLATFORM, Protocol
from ..request import APPLICATION_JSON, ApiRequest
from ..rules import RequestFacts
from ..scenario_model import Scenario
from . import handlers
from .body import read, recipients_seen
from .codes import CODES, INTERNAL, METHOD_NOT_ALLOWED, NO_RESOURCE, TEXTS
from .pushes import reply_push, status_push
from .replies import reason, render
from .routes import RESOURCES
from .routes import route as route_of

__all__ = ["PROTOCOL", "prepare"]


def prepare(request: ApiRequest) -> ApiRequest:
    """Route the request and read its key and fields (:mod:`.body`): its command is the
    resource's (``sendmsg``, ...), or its path when it names none."""
    route = route_of(request.method, request.path)
    platform, params = read(route, request.method, request.headers, request.query, request.body)
    return request.routed(route.command or request.path, params, platform)


def _facts(gateway: Context, request: ApiRequest, now: float) -> RequestFacts:
    """The account the key names (in open mode, the one it would make) and the recipients."""
    platform = handlers.given(request)
    key = platform.key
    account = gateway.accounts.key_for(PLATFORM, key) if key is not None else None
    return RequestFacts(
        request.command,
        request.params,
        account,
        recipients_seen(platform),
        now,
        PLATFORM,
        request.method,
        request.path,
    )


def _unrouted(gateway: Context, request: ApiRequest) -> Unrouted:
    """404 161 for no resource, 405 for a method the resource does not take."""
    route = handlers.given(request).route
    path = request.path
    if route.methods:
        reason = f"{request.method} {path}: this resource takes {', '.join(route.methods)}"
        error = gateway.error(METHOD_NOT_ALLOWED, reason=reason, api=PLATFORM)
        return Unrouted(405, error)
    reason = f"{path} is not a resource of the Platform ({RESOURCES})"
    return Unrouted(404, gateway.error(NO_RESOURCE, reason=reason, api=PLATFORM))


def _texts(scenario: Scenario, account: Account | None) -> Mapping[int, str]:
    return scenario.platform.error_texts


PROTOCOL = Protocol(
    api=PLATFORM,
    content_type=APPLICATION_JSON,
    handlers=MappingProxyType(
        {
            "sendmsg": handlers.send,
            "querymsg": handlers.status,
            "getbalance": handlers.balance,
        }
    ),
    prepare=prepare,
    facts=_facts,
    render=render,
    reason=reason,
    unrouted=_unrouted,
    texts=TEXTS,
    codes=CODES,
    status_push=status_push,
    failure=render(ApiError(INTERNAL, TEXTS[INTERNAL])),
    custom_texts=_texts,
    integrations=True,
    reply_push=reply_push,
)
