"""MMS notifications (``/mms/ind_push.php``) and WAP Service Indications (``/mms/si_push``).

Both are binary SMS pushes to a list of numbers, answered as the API documents them: one
``ID: <id> To: <msisdn>`` (or ``ERR: ... To: <msisdn>``) line per number, even for one number.
Each push is one message part at the route's charge, with the usual lifecycle.
"""

from __future__ import annotations

import re

from ..codes import MMS_CLASSES, SI_ACTIONS, Err
from ..commands import (
    InvalidCommand,
    MessageBody,
    MessageOptions,
    SendPlan,
    parse_message_options,
    recipients_within_limits,
)
from ..encoding import Coding
from ..grammar import ApiError, MultiRecipient, Reply
from ..request import ApiRequest
from ..rules import Decision
from .context import Context

_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_URL = re.compile(r"https?://\S+")


def _required(request: ApiRequest, names: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for name in names:
        value = request.params.present(name)
        if value is None:
            raise InvalidCommand(Err.INVALID_PARAMETERS, f"{name}: missing")
        values[name] = value
    return values


def _ind_push_details(request: ApiRequest) -> tuple[tuple[str, str], ...]:
    values = _required(
        request, ("mms_subject", "mms_class", "mms_expire", "mms_from", "mms_url", "from")
    )
    expire = values["mms_expire"]
    if values["mms_class"] not in MMS_CLASSES:
        classes = ", ".join(MMS_CLASSES)
        raise InvalidCommand(
            Err.INVALID_PARAMETERS,
            f"mms_class: expected one of {classes}, got {values['mms_class']!r}",
        )
    if not (expire.isascii() and expire.isdigit()):
        raise InvalidCommand(Err.INVALID_PARAMETERS, "mms_expire: expected whole seconds")
    if not _URL.fullmatch(values["mms_url"]):
        raise InvalidCommand(Err.INVALID_PARAMETERS, "mms_url: expected an http(s) URL")
    return tuple((name, values[name]) for name in sorted(values) if name != "from")


def _si_push_details(request: ApiRequest) -> tuple[tuple[str, str], ...]:
    values = _required(request, ("si_id", "si_url"))
    if not _URL.fullmatch(values["si_url"]):
        raise InvalidCommand(Err.INVALID_PARAMETERS, "si_url: expected an http(s) URL")
    for name in ("si_text", "si_created", "si_expires", "si_action"):
        value = request.params.present(name)
        if value is not None:
            values[name] = value
    for name in ("si_created", "si_expires"):
        if name in values and not _UTC_TIME.fullmatch(values[name]):
            raise InvalidCommand(Err.INVALID_PARAMETERS, f"{name}: expected YYYY-MM-DDTHH:MM:SSZ")
    if values.get("si_action", "signal-medium") not in SI_ACTIONS:
        actions = ", ".join(sorted(SI_ACTIONS))
        raise InvalidCommand(Err.INVALID_PARAMETERS, f"si_action: expected one of {actions}")
    return tuple(sorted(values.items()))


def _push(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None, kind: str
) -> Reply:
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    limits = gateway.recipient_limits
    try:
        recipients = recipients_within_limits(request.params, request.method, limits)
        options: MessageOptions = parse_message_options(request.params, now)
        details = (
            _ind_push_details(request) if kind == "mms_ind_push" else _si_push_details(request)
        )
    except InvalidCommand as error:
        return gateway.error(error.code, account, reason=error.reason)
    refused = gateway.check_sender(account, options.sender)
    if refused is not None:
        return refused
    text = dict(details).get("mms_subject") or dict(details).get("si_text", "")
    body = MessageBody(text, Coding.BINARY, 1, 1, kind=kind, details=details)
    plan = SendPlan(tuple(recipients), body, options)
    return MultiRecipient(tuple(gateway.send_all(account, plan, now, decision)))


def ind_push(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """An MMS notification: to, from, mms_subject, mms_class, mms_expire, mms_from, mms_url."""
    return _push(gateway, request, now, decision, "mms_ind_push")


def si_push(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """A WAP Service Indication: to, si_id, si_url (si_text, si_created, si_expires, si_action)."""
    return _push(gateway, request, now, decision, "wap_si_push")
