"""The legacy REST API's commands: one handler per resource and method, of the HTTP API's shape.

Each checks, in this order: ``X-Version: 1`` (400 101, unless the scenario lets it go), the
bearer token (401 001; IP lockdown 401 007; a frozen account 401 001), then its own input. The
steps after that (credit, parts, routes, the message store, the lifecycle) are the gateway's,
shared with the HTTP API: a message sent here is read and stopped through either API.
"""

from __future__ import annotations

from typing import cast

from ..accounts import Account
from ..codes import Err
from ..commands import (
    InvalidCommand,
    MessageBody,
    MessageOptions,
    MessageRef,
    Params,
    SendPlan,
    destination_reason,
    literal_text_body,
    normalize_msisdn,
    parse_body,
    parse_message_options,
)
from ..grammar import ApiError, Balance, MessageStatus, MultiRecipient
from ..handlers.context import Context
from ..json_input import describe
from ..lifecycle import Message
from ..protocol import REST
from ..request import ApiRequest
from ..rules import Decision
from .body import RestInput, in_rest_words, option_params, recipients
from .codes import DATA_MALFORMED
from .replies import MessageReport, RestReply, RouteReport


def given(request: ApiRequest) -> RestInput:
    """What :func:`..rest.prepare` read from the request."""
    return cast(RestInput, request.data)


def _account(gateway: Context, request: ApiRequest) -> Account | ApiError:
    """The account the request acts for, once its version header and token pass."""
    rest = given(request)
    version = rest.version
    if gateway.scenario.rest.require_x_version and (version is None or version.strip() != "1"):
        shown = "missing" if version is None else f"{version!r}, not 1"
        return gateway.error(
            Err.INVALID_PARAMETERS, reason=f"X-Version: {shown} (the API takes 1)", api=REST
        )
    if rest.token is None:
        return gateway.error(Err.AUTH_FAILED, reason=rest.unauthorized, api=REST)
    return gateway.authenticate_key(REST, rest.token, request.client_ip)


def _body(fields: RestInput, options: MessageOptions) -> MessageBody:
    """``text`` as itself; with ``binary``, the hex octets of an 8-bit message (and its
    ``userDataHeader``)."""
    text = fields.fields.get("text")
    udh = fields.fields.get("userDataHeader")
    if options.binary:
        data = text if isinstance(text, str) else None
        return parse_body(Params([("udh", udh or ""), ("data", data or "")]), options)
    if udh is not None:
        raise InvalidCommand(
            Err.INVALID_PARAMETERS, "userDataHeader: goes with binary (an 8-bit message)"
        )
    if text is None:
        raise InvalidCommand(Err.INVALID_PARAMETERS, "text: missing")
    if not isinstance(text, str):
        raise InvalidCommand(
            Err.INVALID_PARAMETERS, f"text: expected a string, got {describe(text)}"
        )
    return literal_text_body(text, options)


def _plan(gateway: Context, rest: RestInput, now: float) -> SendPlan:
    """The send, checked in the HTTP API's order: recipients, options, text."""
    entries = recipients(rest.fields.get("to"))
    most = gateway.scenario.rest.max_recipients
    if len(entries) > most:
        raise InvalidCommand(
            Err.INVALID_PARAMETERS, f"to: {len(entries)} recipients; at most {most} per request"
        )
    options = parse_message_options(option_params(rest.fields), now, REST)
    # JSON can carry any entry as it was sent; an accepted one is echoed as its digits.
    return SendPlan(tuple(entries), _body(rest, options), options, str, accepted_as_digits=True)


def send(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> RestReply:
    """``POST /rest/message``: one entry per ``to``, in order (202, 207, or the status of the
    errors when none was accepted)."""
    account = _account(gateway, request)
    if isinstance(account, ApiError):
        return account
    rest = given(request)
    if rest.malformed is not None:
        return gateway.error(DATA_MALFORMED, account, reason=rest.malformed, api=REST)
    try:
        plan = _plan(gateway, rest, now)
    except InvalidCommand as error:
        return gateway.error(error.code, account, reason=in_rest_words(error.reason), api=REST)
    refused = gateway.check_sender(account, plan.sender)
    if refused is not None:
        return refused
    return MultiRecipient(tuple(gateway.send_all(account, plan, now, decision)))


def _message(gateway: Context, request: ApiRequest) -> tuple[Account, Message] | ApiError:
    """The account, and the message the path's id (or ``?clientMessageId=``) names."""
    account = _account(gateway, request)
    if isinstance(account, ApiError):
        return account
    rest = given(request)
    if rest.route.argument is not None:
        ref = MessageRef(rest.route.argument, None)
    else:
        client = rest.fields.get("clientMessageId")
        if not client:
            reason = "neither a message id in the path nor ?clientMessageId= given"
            return gateway.error(Err.MISSING_MESSAGE_ID, account, reason=reason, api=REST)
        ref = MessageRef(None, str(client))
    message = gateway.find_message(account, ref)
    if message is None:
        if ref.apimsgid is not None:
            reason = f"no message {ref.apimsgid!r} of this account"
            return gateway.error(Err.UNKNOWN_APIMSGID, account, reason=reason, api=REST)
        reason = f"clientMessageId: no message {ref.climsgid!r} of this account"
        return gateway.error(Err.UNKNOWN_CLIMSGID, account, reason=reason, api=REST)
    return account, message


def query(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> RestReply:
    """``GET /rest/message/{id}`` (or ``?clientMessageId=``, the newest): status and charge."""
    found = _message(gateway, request)
    if isinstance(found, ApiError):
        return found
    message = found[1]
    return MessageReport(message.apimsgid, message.status, message.charge, message.climsgid)


def stop(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> RestReply:
    """``DELETE /rest/message/{id}``: a message still stoppable is cancelled (006, refunded);
    any other answers the status it has."""
    found = _message(gateway, request)
    if isinstance(found, ApiError):
        return found
    account, message = found
    gateway.cancel(account, message, now)
    return MessageStatus(message.apimsgid, message.status)


def balance(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> RestReply:
    """``GET /rest/account/balance``: the credit, a string with two decimals."""
    account = _account(gateway, request)
    if isinstance(account, ApiError):
        return account
    return Balance(account.balance)


def coverage(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> RestReply:
    """``GET /rest/coverage/{msisdn}``: whether a route covers the number and the charge of one
    part; not a number (by the rules ``to`` follows): 400 105."""
    account = _account(gateway, request)
    if isinstance(account, ApiError):
        return account
    number = given(request).route.argument or ""
    msisdn = normalize_msisdn(number, account.dial_prefix)
    if msisdn is None:
        reason = f"msisdn: {destination_reason(number)}"
        return gateway.error(Err.INVALID_DESTINATION, account, reason=reason, api=REST)
    return RouteReport(msisdn, gateway.route_charge(msisdn))
