"""Batch sends (``/http_batch/*``): a template once, then items or a quick send to many.

``startbatch`` takes every sendmsg option but ``to`` and ``text``, plus a ``template`` in which
``#name#`` placeholders are replaced by the ``name`` parameters of each ``senditem`` (any name,
``field1`` ... by convention; not in unicode batches, whose template is UCS-2 hex).
``quicksend`` sends the template unchanged to a list of numbers, one line per number.
``endbatch`` answers the bare word ``OK``. A batch expires 24 hours after it started (virtual
time); an unknown, ended or expired batch is ``ERR: 201, Invalid batch ID``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .codes import Err
from .commands import (
    CLIMSGID,
    InvalidCommand,
    MessageOptions,
    Params,
    SendOptions,
    parse_message_options,
    recipients_within_limits,
    split_recipients,
    text_body,
)
from .grammar import (
    Accepted,
    ApiError,
    BareOk,
    MultiRecipient,
    RecipientAccepted,
    Reply,
)

if TYPE_CHECKING:
    from .accounts import Account
    from .gateway import ApiRequest, Gateway
    from .rules import Decision

BATCH_LIFETIME = 24 * 3600.0

#: Parameters of senditem that are not template fields.
_NOT_FIELDS = frozenset({"session_id", "api_id", "user", "password", "batch_id", "to", "climsgid"})


@dataclass(slots=True)
class Batch:
    """A started batch: its template (raw, as sent) and message options."""

    batch_id: str
    account: tuple[str, str]
    template: str
    options: MessageOptions
    started_at: float

    def expired(self, now: float) -> bool:
        """True once the batch is 24 hours old."""
        return now - self.started_at >= BATCH_LIFETIME


_PLACEHOLDER = re.compile(r"#([^#]+)#")


def fill_template(template: str, params: Params) -> str:
    """``#name#`` placeholders replaced by the ``name`` parameters, in one left-to-right pass:
    a value is never filled in again, and a placeholder with no parameter stays as it is."""

    def value(match: re.Match[str]) -> str:
        name = match[1]
        found = None if name in _NOT_FIELDS else params.get(name)
        return match[0] if found is None else found

    return _PLACEHOLDER.sub(value, template)


def startbatch(
    gateway: Gateway, request: ApiRequest, now: float, decision: Decision | None
) -> Reply:
    """Open a batch: ``ID: <batch_id>``."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    params = request.params
    template = params.get("template")
    try:
        options = parse_message_options(params, now)
        if not template:
            raise InvalidCommand(Err.NO_BATCH_TEMPLATE)
        text_body(template, options)  # the template must be a valid text itself
    except InvalidCommand as error:
        return gateway.error(error.code, account)
    refused = gateway.check_sender(account, options.sender)
    if refused is not None:
        return refused
    batch_id = gateway.ids.new_id(gateway.batches)
    gateway.batches[batch_id] = Batch(batch_id, account.key, template, options, now)
    return Accepted(batch_id)


def _account_and_batch(
    gateway: Gateway, request: ApiRequest, now: float
) -> tuple[Account, Batch] | ApiError:
    """The caller's account and its live batch named by ``batch_id`` (201 when there is none)."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    batch = gateway.batches.get(request.params.present("batch_id") or "")
    if batch is None or batch.account != account.key:
        return gateway.error(Err.INVALID_BATCH, account)
    if batch.expired(now):
        del gateway.batches[batch.batch_id]
        return gateway.error(Err.INVALID_BATCH, account)
    return account, batch


def senditem(gateway: Gateway, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """One message from the template, its ``#fields#`` filled in: ``ID: <apimsgid>``."""
    found = _account_and_batch(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    account, batch = found
    params = request.params
    recipients = split_recipients(params.get("to") or "")
    text = batch.template
    options = batch.options
    try:
        if len(recipients) != 1:
            raise InvalidCommand(Err.INVALID_PARAMETERS)
        climsgid = params.present("climsgid")
        if climsgid is not None:
            if not CLIMSGID.fullmatch(climsgid):
                raise InvalidCommand(Err.INVALID_PARAMETERS)
            options = replace(options, climsgid=climsgid)
        if not options.unicode:  # unicode batches cannot substitute fields (SPEC §5.2.14)
            text = fill_template(text, params)
        body = text_body(text, options)
    except InvalidCommand as error:
        return gateway.error(error.code, account)
    (result,) = gateway.send_all(
        account, SendOptions(tuple(recipients), body, options), now, decision
    )
    if isinstance(result, RecipientAccepted):
        return Accepted(result.apimsgid)
    return ApiError(result.code, result.text)


def quicksend(
    gateway: Gateway, request: ApiRequest, now: float, decision: Decision | None
) -> Reply:
    """The template unchanged to every number: one ``... To: <number>`` line each."""
    found = _account_and_batch(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    account, batch = found
    limits = gateway.scenario.recipient_limits
    try:
        recipients = recipients_within_limits(request.params, request.method, limits)
        body = text_body(batch.template, batch.options)  # valid: checked by startbatch
    except InvalidCommand as error:
        return gateway.error(error.code, account)
    send = SendOptions(tuple(recipients), body, batch.options)
    return MultiRecipient(tuple(gateway.send_all(account, send, now, decision)))


def endbatch(gateway: Gateway, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """Close a batch: the bare word ``OK``."""
    found = _account_and_batch(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    del gateway.batches[found[1].batch_id]
    return BareOk()
