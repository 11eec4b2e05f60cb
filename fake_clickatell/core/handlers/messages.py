"""``sendmsg``, and the commands about one sent message: ``querymsg``, ``delmsg``,
``getmsgcharge``."""

from __future__ import annotations

from ..accounts import Account
from ..codes import STATUS_UNKNOWN, Err
from ..commands import MessageRef, parse_message_ref, parse_sendmsg
from ..grammar import (
    Accepted,
    ApiError,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    RecipientAccepted,
    Reply,
)
from ..lifecycle import Message
from ..request import ApiRequest
from ..rules import Decision
from .context import Context


def sendmsg(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """``ID: <id>`` for one recipient; one ``... To: <n>`` line each for several."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    plan = parse_sendmsg(
        request.params, method=request.method, now=now, limits=gateway.recipient_limits
    )
    if isinstance(plan, ApiError):
        return gateway.error(plan.code, account, reason=plan.reason)
    refused = gateway.check_sender(account, plan.sender)
    if refused is not None:
        return refused
    results = gateway.send_all(account, plan, now, decision)
    if len(results) == 1:
        only = results[0]
        if isinstance(only, RecipientAccepted):
            return Accepted(only.apimsgid)
        return ApiError(only.code, only.text, only.reason)
    return MultiRecipient(tuple(results))


def _named_message(
    gateway: Context, request: ApiRequest, now: float
) -> tuple[Account, MessageRef, Message | None] | ApiError:
    """The caller's account, the reference the request gives, and the message it names."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    ref = parse_message_ref(request.params)
    if isinstance(ref, ApiError):
        return gateway.error(ref.code, account, reason=ref.reason)
    return account, ref, gateway.find_message(account, ref)


def _unknown(gateway: Context, account: Account, ref: MessageRef) -> ApiError:
    if ref.apimsgid is not None:
        reason = f"apimsgid: no message {ref.apimsgid!r} of this account"
        return gateway.error(Err.UNKNOWN_APIMSGID, account, reason=reason)
    reason = f"climsgid: no message {ref.climsgid!r} of this account"
    return gateway.error(Err.UNKNOWN_CLIMSGID, account, reason=reason)


def querymsg(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """``ID: <id> Status: <nnn>``; an unknown apimsgid is status 001, an unknown climsgid 104."""
    found = _named_message(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    account, ref, message = found
    if message is not None:
        return MessageStatus(message.apimsgid, message.status)
    if ref.apimsgid is not None:
        return MessageStatus(ref.apimsgid, STATUS_UNKNOWN)
    return _unknown(gateway, account, ref)


def delmsg(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """Stop a message still queued (006); answers the status it has then."""
    found = _named_message(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    account, ref, message = found
    if message is None:
        return _unknown(gateway, account, ref)
    gateway.cancel(account, message, now)
    return MessageStatus(message.apimsgid, message.status)


def getmsgcharge(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> Reply:
    """``apiMsgId: <id> charge: <n> status: <nnn>``."""
    found = _named_message(gateway, request, now)
    if isinstance(found, ApiError):
        return found
    account, ref, message = found
    if message is None:
        return _unknown(gateway, account, ref)
    return MessageCharge(message.apimsgid, message.charge, message.status)
