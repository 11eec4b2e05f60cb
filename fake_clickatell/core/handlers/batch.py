"""Batch commands (``/http_batch/*``): a template once, then items or a quick send to many.

``startbatch`` takes every sendmsg option but ``to`` and ``text``, plus a ``template`` in which
``#name#`` placeholders are replaced by the ``name`` parameters of each ``senditem`` (any name,
``field1`` ... by convention; not in unicode batches, whose template is UCS-2 hex).
``quicksend`` sends the template unchanged to a list of numbers, one line per number.
``endbatch`` answers the bare word ``OK``. An unknown, ended or expired batch is
``ERR: 201, Invalid batch ID``.
"""

from __future__ import annotations

from dataclasses import replace

from ..accounts import Account
from ..batches import OpenBatch, fill_template
from ..codes import Err
from ..commands import (
    CLIMSGID,
    InvalidCommand,
    SendPlan,
    climsgid_reason,
    parse_message_options,
    recipients_within_limits,
    split_recipients,
    text_body,
)
from ..grammar import Accepted, ApiError, BareOk, MultiRecipient, RecipientAccepted, Reply
from ..request import ApiRequest
from ..rules import Decision
from .context import Context


def startbatch(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
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
            raise InvalidCommand(Err.NO_BATCH_TEMPLATE, "template: missing or empty")
        text_body(template, options)  # the template must be a valid text itself
    except InvalidCommand as error:
        return gateway.error(error.code, account, reason=error.reason)
    refused = gateway.check_sender(account, options.sender)
    if refused is not None:
        return refused
    batch = OpenBatch(gateway.new_id(), account.key, template, options, now)
    gateway.batches.open(batch)
    return Accepted(batch.batch_id)


def _account_and_batch(
    gateway: Context, request: ApiRequest, now: float
) -> tuple[Account, OpenBatch] | ApiError:
    """The caller's account and its live batch named by ``batch_id`` (201 when there is none)."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    batch_id = request.params.present("batch_id") or ""
    batch = gateway.batches.find(batch_id, account.key, now)
    if batch is None:
        reason = (
            f"batch_id: no open batch {batch_id!r} of this account (never started, ended,"
            " or over 24 hours old)"
            if batch_id
            else "batch_id: missing"
        )
        return gateway.error(Err.INVALID_BATCH, account, reason=reason)
    return account, batch


def senditem(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
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
            raise InvalidCommand(
                Err.INVALID_PARAMETERS,
                f"to: senditem takes one recipient, got {len(recipients)}",
            )
        climsgid = params.present("climsgid")
        if climsgid is not None:
            if not CLIMSGID.fullmatch(climsgid):
                raise InvalidCommand(Err.INVALID_PARAMETERS, climsgid_reason(climsgid))
            options = replace(options, climsgid=climsgid)
        if not options.unicode:  # the API fills in no fields in a UCS-2 template
            text = fill_template(text, params)
        body = text_body(text, options)
    except InvalidCommand as error:
        return gateway.error(error.code, account, reason=error.reason)
    (result,) = gateway.send_all(account, SendPlan(tuple(recipients), body, options), now, decision)
    if isinstance(result, RecipientAccepted):
        return Accepted(result.apimsgid)
    return ApiError(result.code, result.text, result.reason)


def quicksend(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> Reply:
    """The template unchanged to every number: one ``... To: <number>`` line each."""
    found = _account_and_batch(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    account, batch = found
    try:
        recipients = recipients_within_limits(
            request.params, request.method, gateway.recipient_limits
        )
        body = text_body(batch.template, batch.options)  # valid: checked by startbatch
    except InvalidCommand as error:
        return gateway.error(error.code, account, reason=error.reason)
    plan = SendPlan(tuple(recipients), body, batch.options)
    return MultiRecipient(tuple(gateway.send_all(account, plan, now, decision)))


def endbatch(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """Close a batch: the bare word ``OK``."""
    found = _account_and_batch(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    gateway.batches.close(found[1].batch_id)
    return BareOk()
