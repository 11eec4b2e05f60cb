"""The Platform's commands: one handler per resource, of the HTTP API's shape.

Each checks the integration's key first (401 1; IP lockdown 401 7; a frozen account 400 3; an
inactive integration 400 2; a key of the other integration kind is unknown, unless the
scenario lets it pass), then its own input. The steps after that (credit, parts, routes,
opt-outs, the message store, the lifecycle) are the gateway's, shared with every other API: a
message sent here is read through any API of the same account.
"""

from __future__ import annotations

from typing import cast

from ..accounts import Account
from ..commands import MessageRef, SendPlan
from ..grammar import ApiError, MultiRecipient, RecipientError
from ..handlers.context import Context
from ..integrations.access import keyed_integration
from ..integrations.replies import CurrencyBalance, MessageState
from ..integrations.sends import (
    FieldError,
    message_body,
    message_options,
    parameter_error,
    two_way_refusal,
)
from ..json_input import describe
from ..protocol import PLATFORM
from ..request import ApiRequest
from ..rules import Decision
from ..scenario_model import Integration
from .body import PlatformInput, cleaner, entries
from .codes import (
    EMPTY_RECEIVERS,
    INTEGRATION_INACTIVE,
    INVALID_KEY,
    MALFORMED,
    NO_RESOURCE,
    TOO_MANY_RECIPIENTS,
)
from .replies import PlatformReply

_TOO_MANY_PARTS = 113  # the legacy code the shared checks raise; the Platform says 101


def given(request: ApiRequest) -> PlatformInput:
    """What :func:`..platform.prepare` read from the request."""
    return cast(PlatformInput, request.data)


def _integration(gateway: Context, request: ApiRequest) -> tuple[Account, Integration] | ApiError:
    """The account and the integration whose key the request carries (a REST integration's
    key for the REST resources, an HTTP one's for the HTTP send, unless the scenario lets any
    kind through)."""
    platform = given(request)
    kind = platform.kind

    def right_kind(account: Account, integration: Integration) -> ApiError | None:
        if kind is None or integration.kind in (None, kind):
            return None
        if not gateway.scenario.platform.enforce_kind:
            return None
        reason = (
            f"the key is a {(integration.kind or '').upper()} integration's;"
            f" /{platform.route.resource} takes a {kind.upper()} integration's key"
        )
        return gateway.error(INVALID_KEY, account, reason=reason, api=PLATFORM)

    return keyed_integration(
        gateway,
        PLATFORM,
        platform.key,
        platform.unauthorized,
        request.client_ip,
        invalid_key=INVALID_KEY,
        inactive=INTEGRATION_INACTIVE,
        check=right_kind,
    )


def _refused(gateway: Context, account: Account, error: FieldError) -> ApiError:
    return gateway.error(error.code, account, reason=error.reason, api=PLATFORM, **error.fields)


def send(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> PlatformReply:
    """``POST /messages`` and ``/messages/http/send``: one entry per recipient, in order (202
    whenever the request was processed)."""
    found = _integration(gateway, request)
    if isinstance(found, ApiError):
        return found
    account, integration = found
    platform = given(request)
    if platform.malformed is not None:
        return gateway.error(MALFORMED, account, reason=platform.malformed, api=PLATFORM)
    recipients = entries(platform)
    if recipients is None:
        error = parameter_error("to", f"expected an array, got {describe(platform.fields['to'])}")
        return _refused(gateway, account, error)
    if not recipients:
        reason = "to: no recipient"
        return gateway.error(EMPTY_RECEIVERS, account, reason=reason, api=PLATFORM)
    most = gateway.scenario.platform.max_recipients
    if len(recipients) > most:
        reason = f"to: {len(recipients)} recipients; at most {most} per request"
        return gateway.error(TOO_MANY_RECIPIENTS, account, reason=reason, api=PLATFORM)
    fields = platform.fields
    try:
        options = message_options(
            fields, now, api=PLATFORM, integration=integration, request_id=gateway.new_id()
        )
    except FieldError as error:
        return _refused(gateway, account, error)
    refusal = two_way_refusal(integration, options.sender)
    if refusal is not None:
        numbers = ", ".join(integration.numbers)
        reason = f"from: {options.sender!r} is not one of the integration's numbers ({numbers})"
        return gateway.error(refusal, account, reason=reason, api=PLATFORM)
    try:
        body = message_body(fields, options)
    except FieldError as error:
        if error.code != _TOO_MANY_PARTS:
            return _refused(gateway, account, error)
        # Too long is the message's error: every recipient gets it.
        too_long = _refused(gateway, account, error)
        return MultiRecipient(
            tuple(
                RecipientError(too_long.code, too_long.text, to, error.reason) for to in recipients
            )
        )
    plan = SendPlan(
        tuple(recipients), body, options, str, accepted_as_digits=True, clean=cleaner(platform)
    )
    return MultiRecipient(tuple(gateway.send_all(account, plan, now, decision)))


def status(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> PlatformReply:
    """``GET /public-client/message/status?messageId=``: the message's status and when it
    was reached; another account's message, or none, is 404 161."""
    found = _integration(gateway, request)
    if isinstance(found, ApiError):
        return found
    account = found[0]
    message_id = given(request).fields.get("messageId")
    if not message_id:
        return _refused(gateway, account, parameter_error("messageId", "missing"))
    message = gateway.find_message(account, MessageRef(str(message_id), None))
    if message is None:
        reason = f"no message {str(message_id)!r} of this account"
        return gateway.error(NO_RESOURCE, account, reason=reason, api=PLATFORM)
    return MessageState(message.apimsgid, message.status, message.status_time)


def balance(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> PlatformReply:
    """``GET /public-client/balance``: the account's balance in its currency (any Platform
    key of the account)."""
    found = _integration(gateway, request)
    if isinstance(found, ApiError):
        return found
    account = found[0]
    return CurrencyBalance(account.balance, account.currency)
