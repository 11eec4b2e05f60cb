"""The One API's commands: one handler per resource, of the HTTP API's shape.

Each checks the integration's key first (global errors: 401 1, IP lockdown 401 7, a frozen
account 400 2, an inactive integration 400 3), then its input. A send checks each message on
its own (its channel, ``to``, ``content``, options, ``from``) and answers each in its entry;
what is left (credit, parts, routes, opt-outs, the store, the lifecycle) is the gateway's,
shared with every other API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from ..accounts import Account
from ..commands import MessageRef, SendPlan
from ..grammar import ApiError, MultiRecipient, RecipientError, RecipientResult
from ..handlers.context import Context
from ..integrations.access import keyed_integration
from ..integrations.numbers import clean_number
from ..integrations.replies import CurrencyBalance, MessageState
from ..integrations.sends import (
    FROM_NOT_RELATED,
    FieldError,
    message_body,
    message_options,
    parameter_error,
    two_way_refusal,
)
from ..json_input import describe, entry_text
from ..protocol import ONE
from ..request import ApiRequest
from ..rules import Decision
from ..scenario_model import Integration
from .body import OneApiInput
from .codes import (
    CHANNEL_UNAVAILABLE,
    INTEGRATION_INACTIVE,
    INVALID_KEY,
    MALFORMED,
    TOO_MANY_MESSAGES,
)
from .replies import OneApiReply, UnknownMessage

#: The only channel the fake carries (WhatsApp is out of its scope: 39).
SMS = "sms"
WHATSAPP = "whatsapp"


def given(request: ApiRequest) -> OneApiInput:
    """What :func:`..one_api.prepare` read from the request."""
    return cast(OneApiInput, request.data)


def _integration(gateway: Context, request: ApiRequest) -> tuple[Account, Integration] | ApiError:
    """The account and the integration whose key the request carries."""
    one = given(request)
    return keyed_integration(
        gateway,
        ONE,
        one.key,
        one.unauthorized,
        request.client_ip,
        invalid_key=INVALID_KEY,
        inactive=INTEGRATION_INACTIVE,
    )


def _plan(
    item: Mapping[str, Any], to: str, integration: Integration, now: float
) -> SendPlan | FieldError:
    """One message checked, in order: channel, ``to``, options, ``from``, ``content``."""
    channel = item.get("channel", SMS)
    if channel == WHATSAPP:
        return FieldError(CHANNEL_UNAVAILABLE, "channel: whatsapp is not carried by the fake")
    if channel is not None and channel != SMS:
        return parameter_error("channel", f"expected sms, got {describe(channel)}")
    value = item.get("to")
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        got = "missing" if value is None else f"expected a string, got {describe(value)}"
        return parameter_error("to", got)
    digits = clean_number(to)
    if not (digits.isascii() and digits.isdigit()):
        # Clickatell's own fixture answers 23 for "27999abcde"; 25 is for a number of digits
        # that is none (too short, too long, a leading 0 with no dial prefix).
        return parameter_error("to", f"{to!r} is not a number")
    try:
        options = message_options(item, now, api=ONE, integration=integration)
        sender = options.sender
        if sender is not None and two_way_refusal(integration, sender) is not None:
            numbers = ", ".join(integration.numbers)
            why = f"from: {sender!r} is not one of the integration's numbers ({numbers})"
            return FieldError(FROM_NOT_RELATED, why)
        body = message_body(item, options)
    except FieldError as error:
        return error
    return SendPlan((to,), body, options, str, accepted_as_digits=True, clean=clean_number)


def _send_one(
    gateway: Context,
    account: Account,
    integration: Integration,
    item: object,
    now: float,
    decision: Decision | None,
) -> RecipientResult:
    if not isinstance(item, dict):
        plan: SendPlan | FieldError = parameter_error(
            "messages", f"an entry that is no object: {describe(item)}"
        )
        to = ""
    else:
        to = entry_text(item["to"]) if item.get("to") is not None else ""
        plan = _plan(item, to, integration, now)
    if isinstance(plan, FieldError):
        error = gateway.error(plan.code, account, reason=plan.reason, api=ONE, **plan.fields)
        return RecipientError(error.code, error.text, to, error.reason)
    return gateway.send_all(account, plan, now, decision)[0]


def send(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> OneApiReply:
    """``POST /v1/message``: one entry per message, in order (202 all accepted, 207 mixed,
    else the status of the first message's error)."""
    found = _integration(gateway, request)
    if isinstance(found, ApiError):
        return found
    account, integration = found
    one = given(request)
    if one.malformed is not None:
        return gateway.error(MALFORMED, account, reason=one.malformed, api=ONE)
    messages = one.document.get("messages")
    if not isinstance(messages, list) or not messages:
        shown = "missing" if messages is None else describe(messages)
        reason = f"messages: expected a non-empty array of messages, got {shown}"
        return gateway.error(MALFORMED, account, reason=reason, api=ONE)
    most = gateway.scenario.one_api.max_messages
    if len(messages) > most:
        reason = f"messages: {len(messages)} messages; at most {most} per request"
        return gateway.error(TOO_MANY_MESSAGES, account, reason=reason, api=ONE)
    return MultiRecipient(
        tuple(_send_one(gateway, account, integration, item, now, decision) for item in messages)
    )


def status(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> OneApiReply:
    """``GET /v1/message/{id}``: the message's status and when it was reached; a message the
    account does not have is ``UNKNOWN`` now."""
    found = _integration(gateway, request)
    if isinstance(found, ApiError):
        return found
    message_id = given(request).route.argument or ""
    message = gateway.find_message(found[0], MessageRef(message_id, None))
    if message is None:
        return UnknownMessage(now)
    return MessageState(message.apimsgid, message.status, message.status_time)


def balance(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> OneApiReply:
    """``GET /v1/balance``: the account's balance in its currency."""
    found = _integration(gateway, request)
    if isinstance(found, ApiError):
        return found
    account = found[0]
    return CurrencyBalance(account.balance, account.currency)
