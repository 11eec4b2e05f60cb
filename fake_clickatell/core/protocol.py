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
* ``failure``: the status and body the adapter answers when the fake itself fails;
* ``integrations``: whether its credentials are integrations (Platform, One API): open mode
  makes one per key;
* ``custom_texts``: the error texts a scenario gives it (the legacy APIs share the account's
  and the scenario's ``error_texts``; the newer APIs number their errors their own way and
  have texts of their own);
* ``status_push``: whether a status change of a message sent through it is pushed, and how;
* ``reply_push``: how an inbound message reaches an integration's reply URL (``None``: the
  API has no integrations).

The gateway looks protocols up by :attr:`Protocol.api`; a new API is a new table and its
handlers, not a new branch in the gateway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .request import ApiRequest

if TYPE_CHECKING:
    from .accounts import Account
    from .handlers.context import Context
    from .lifecycle import Message, StatusEvent
    from .push_payloads import MoPart
    from .push_plans import PushPlan
    from .rules import Decision, RequestFacts
    from .scenario_model import Integration, Scenario

#: A command handler of any API: the gateway, the request, the virtual time, the decision of a
#: scenario rule that fired without answering for the command; its API's reply value.
AnyHandler = Callable[["Context", ApiRequest, float, "Decision | None"], object]

#: The legacy HTTP/S API (``/http/...``): text replies, HTTP 200 for everything.
HTTP = "http"
#: The legacy REST API (``/rest/...``): JSON, bearer tokens, HTTP statuses.
REST = "rest"
#: Clickatell's Platform (``/messages``, ``/messages/http/send``, ``/public-client/...``):
#: JSON, integrations' API keys.
PLATFORM = "platform"
#: The One API (``/v1/...``): JSON, integrations' API keys.
ONE = "one"

#: An inbound message part to an integration's number -> the push to its reply URL (the
#: account, the integration, the part, and the message it answers when the fake can tell).
ReplyPush = Callable[["Account", "Integration", "MoPart", "Message | None"], "PushPlan | None"]


def legacy_texts(scenario: Scenario, account: Account | None) -> Mapping[int, str]:
    """The legacy APIs' error texts: the account's, else the scenario's."""
    return account.error_texts if account is not None else scenario.error_texts


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
    status_push: Callable[[Account, StatusEvent], PushPlan | None]
    custom_texts: Callable[[Scenario, Account | None], Mapping[int, str]] = legacy_texts
    integrations: bool = False
    reply_push: ReplyPush | None = None
