"""The legacy HTTP/S API as a :class:`~.protocol.Protocol`: text replies, HTTP 200 always.

Its commands are :mod:`.handlers`, its paths :mod:`.endpoints`, its reply grammar
:mod:`.grammar`; this module only says how the gateway reads its requests and answers them.
"""

from __future__ import annotations

from types import MappingProxyType

from .codes import ERROR_TEXTS, Err
from .commands import api_error, split_recipients
from .endpoints import PATHS
from .grammar import Reply, reason_of, render
from .handlers import HANDLERS
from .handlers.context import Context
from .protocol import HTTP, Protocol
from .push_plans import legacy_status_push
from .request import TEXT_PLAIN, ApiRequest
from .rules import RequestFacts


def unknown_command(command: str) -> str:
    """Why an unknown command under an API prefix gets 101 (``command`` is its path)."""
    prefix = command.strip("/").partition("/")[0]
    known = sorted(PATHS.get(prefix, {}))
    return f"unknown command {command!r}; /{prefix}/ has {', '.join(known)}"


def _facts(gateway: Context, request: ApiRequest, now: float) -> RequestFacts:
    """The account a request names (by session, or api_id + user), and its recipients."""
    params = request.params
    account = None
    session_id = params.present("session_id")
    if session_id is not None:
        session = gateway.sessions.peek(session_id)
        account = session.account if session is not None else None
    else:
        api_id, user = params.present("api_id"), params.present("user")
        account = (api_id, user) if api_id is not None and user is not None else None
    recipients = split_recipients(params.get("to") or "")
    return RequestFacts(
        request.command, params, account, recipients, now, HTTP, request.method, request.path
    )


def _unrouted(gateway: Context, request: ApiRequest) -> Reply:
    return api_error(Err.INVALID_PARAMETERS, reason=unknown_command(request.command))


def _render(reply: Reply) -> tuple[int, str]:
    return 200, render(reply)


def _same(request: ApiRequest) -> ApiRequest:
    return request


PROTOCOL = Protocol(
    api=HTTP,
    content_type=TEXT_PLAIN,
    handlers=HANDLERS,
    prepare=_same,
    facts=_facts,
    render=_render,
    reason=reason_of,
    unrouted=_unrouted,
    texts=ERROR_TEXTS,
    codes=MappingProxyType({}),
    status_push=legacy_status_push,
    failure=(200, "ERR: 901, Internal error"),
)
