"""Clickatell's One API (``/v1/...``) as a :class:`~..protocol.Protocol`.

Integrations' API keys (``Authorization: <apiKey>``), JSON in and out, global errors alone and
message errors in each message's entry (202, 207, or the status of the first message's error).
Its modules: :mod:`.routes`, :mod:`.body`, :mod:`.handlers`, :mod:`.replies`, :mod:`.codes`,
:mod:`.pushes`, as the Platform's; what the two share is :mod:`..integrations`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..accounts import Account
from ..grammar import ApiError
from ..handlers.context import Context
from ..protocol import ONE, Protocol
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
    """Route the request and read its key and body (:mod:`.body`): its command is the
    resource's (``sendmsg``, ...), or its path when it names none."""
    route = route_of(request.method, request.path)
    one, params = read(route, request.method, request.headers, request.query, request.body)
    return request.routed(route.command or request.path, params, one)


def _facts(gateway: Context, request: ApiRequest, now: float) -> RequestFacts:
    """The account the key names (in open mode, the one it would make) and the recipients."""
    one = handlers.given(request)
    account = gateway.accounts.key_for(ONE, one.key) if one.key is not None else None
    return RequestFacts(
        request.command,
        request.params,
        account,
        recipients_seen(one),
        now,
        ONE,
        request.method,
        request.path,
    )


def _unrouted(gateway: Context, request: ApiRequest) -> ApiError:
    """400 41 for no resource, 400 42 for a method the resource does not take."""
    route = handlers.given(request).route
    path = request.path
    if route.methods:
        reason = f"{request.method} {path}: this resource takes {', '.join(route.methods)}"
        return gateway.error(METHOD_NOT_ALLOWED, reason=reason, api=ONE)
    reason = f"{path} is not a resource of the One API ({RESOURCES})"
    return gateway.error(NO_RESOURCE, reason=reason, api=ONE)


def _texts(scenario: Scenario, account: Account | None) -> Mapping[int, str]:
    return scenario.one_api.error_texts


PROTOCOL = Protocol(
    api=ONE,
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
