"""The Platform's callbacks: status changes and replies (inbound messages), field by field.

Status callback (rule 29): every status a message reaches (the integration's ``statuses``
filter, if any) goes to the integration's status URL: ``integrationName``, ``apiKey`` (PHP3's
parser needs it; a hook may leave it out), ``messageId``, ``requestId``, ``clientMessageId``,
``to``, ``from``, ``statusCode`` (the legacy number), ``status`` and ``statusDescription`` (the
status table), ``timestamp`` (epoch milliseconds); ``clientMessageId`` and ``from`` are ``""``
when unset.

Reply callback (rule 30): ``integrationId``, ``integrationName``, ``messageId`` (the message
the reply answers, else the reply's own id: never empty, courier needs it),
``replyMessageId``, ``apiKey``, ``fromNumber``, ``toNumber``, ``timestamp``, ``text``,
``charset`` (``UTF-8`` and plain text; a hook may ask for the legacy encodings: Latin-1, else
UTF-16BE, percent-encoded), ``udh``, ``network`` and ``keyword`` (``""``: the fake has
neither).
"""

from __future__ import annotations

from urllib.parse import quote

from ..accounts import Account
from ..codes import STATUSES, format_code
from ..integrations.hooks import Value, hook_request
from ..integrations.statuses import PLATFORM_STATUSES, epoch_ms
from ..lifecycle import Message, StatusEvent
from ..protocol import PLATFORM
from ..push_payloads import MoPart
from ..push_plans import PushPlan
from ..scenario_model import Hook, Integration


def _key_field(integration: Integration, hook: Hook) -> list[tuple[str, Value]]:
    return [("apiKey", integration.api_key)] if hook.api_key else []


def _secret(integration: Integration, hook: Hook) -> str | None:
    return integration.api_key if hook.api_key else None


def status_push(account: Account, change: StatusEvent) -> PushPlan | None:
    """The status callback of the integration that sent the message, if it has one and the
    status passes its filter."""
    message = change.message
    options = message.options
    integration = account.integrations.get(options.integration or "")
    hook = None if integration is None else integration.status_callback
    if integration is None or hook is None:
        return None
    if hook.statuses is not None and change.status not in hook.statuses:
        return None
    code, name = PLATFORM_STATUSES[change.status]
    fields: list[tuple[str, Value]] = [
        ("integrationName", integration.name),
        *_key_field(integration, hook),
        ("messageId", message.apimsgid),
        ("requestId", options.request_id or ""),
        ("clientMessageId", options.climsgid or ""),
        ("to", message.to),
        ("from", options.sender or ""),
        ("statusCode", code),
        ("status", name),
        ("statusDescription", STATUSES[change.status][0]),
        ("timestamp", epoch_ms(change.time)),
    ]
    subject = {
        "api": PLATFORM,
        "integration": integration.integration_id,
        "apimsgid": message.apimsgid,
        "status": format_code(change.status),
    }
    request = hook_request(hook, fields)
    return PushPlan("callback", hook.target, request, subject, _secret(integration, hook))


def _text(part: MoPart, hook: Hook) -> tuple[Value, str]:
    """The reply's text and charset: UTF-8 as it is, or the legacy bytes percent-encoded (in a
    query, the bytes themselves: the query's own encoding is the percent-encoding)."""
    if not hook.legacy_charset:
        return part.text, "UTF-8"
    data = part.text_bytes()
    return (data if hook.method == "GET" else quote(data, safe="")), part.charset


def reply_push(
    account: Account, integration: Integration, part: MoPart, related: Message | None
) -> PushPlan | None:
    """The reply callback of the integration whose number was texted, if it has one."""
    hook = integration.reply_callback
    if hook is None:
        return None
    text, charset = _text(part, hook)
    fields: list[tuple[str, Value]] = [
        ("integrationId", integration.integration_id),
        ("integrationName", integration.name),
        ("messageId", related.apimsgid if related is not None else part.mo_msg_id),
        ("replyMessageId", part.mo_msg_id),
        *_key_field(integration, hook),
        ("fromNumber", part.sender),
        ("toNumber", part.to),
        ("timestamp", epoch_ms(part.timestamp)),
        ("text", text),
        ("charset", charset),
        ("udh", part.udh),
        ("network", part.network),
        ("keyword", ""),
    ]
    subject = {
        "api": PLATFORM,
        "integration": integration.integration_id,
        "moMsgId": part.mo_msg_id,
        "from": part.sender,
        "to": part.to,
    }
    request = hook_request(hook, fields)
    return PushPlan("mo", hook.target, request, subject, _secret(integration, hook))
