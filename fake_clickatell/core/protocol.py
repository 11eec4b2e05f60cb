"""One gateway, several protocols: what each API adds on top of the shared model.

Every API a Clickatell account speaks shares one model (:mod:`.gateway`): accounts and their
credit, parts and charges, routes, opt-outs, recipient scripts, the message lifecycle on the
virtual clock, callbacks, scenario rules and the journal. A :class:`Protocol` is the table of
what differs from one API to the next, and nothing else:

* ``prepare``: the request as the adapter read it -> the request the handlers read (the JSON
  APIs parse their body and route their path here; the HTTP API takes it as it is);
* ``facts``: what scenario rules see of it (the account it names, its recipients);
* ``handlers``: command name -> handler, all of one shape (:data:`AnyHandler`);
* ``codes`` and ``texts``: the codes and default texts of its errors (the shared steps speak in
  the legacy codes of :class:`.codes.Err`; an API that numbers a situation differently maps it);
* ``render``: a reply value -> HTTP status and body, the one place its bytes are written;
* ``reason``: why a reply refused, for the journal and the log;
* ``unrouted``: the reply to a request that named no command of the API;
* ``failure``: the status and body the adapter answers when the fake itself fails.

The gateway looks protocols up by :attr:`Protocol.api`; a new API is a new table and its
handlers, not a new branch in the gateway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .request import ApiRequest

if TYPE_CHECKING:
    from .handlers.context import Context
    from .rules import Decision, RequestFacts

#: A command handler of any API: the gateway, the request, the virtual time, the decision of a
#: scenario rule that fired without answering for the command; its API's reply value.
AnyHandler = Callable[["Context", ApiRequest, float, "Decision | None"], object]

#: The legacy HTTP/S API (``/http/...``): text replies, HTTP 200 for everything.
HTTP = "http"
#: The legacy REST API (``/rest/...``): JSON, bearer tokens, HTTP statuses.
REST = "rest"


@dataclass(frozen=True, slots=True)
class Protocol:
    """What one API adds to the shared gateway (see the module docstring)."""

    api: str
    content_type: str
    handlers: Mapping[str, AnyHandler]
    prepare: Callable[[ApiRequest], ApiRequest]
    facts: Callable[[Context, ApiRequest, float], RequestFacts]
    render: Callable[[Any], tuple[int, str]]
    reason: Callable[[Any], str | None]
    unrouted: Callable[[Context, ApiRequest], Any]
    texts: Mapping[int, str]
    codes: Mapping[int, int]
    failure: tuple[int, str]
