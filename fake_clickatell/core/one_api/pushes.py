"""The One API's callbacks (always POST JSON): status updates and inbound messages.

Status (rule 36): ``{"integrationId":…,"integrationName":…,"event":{"messageStatusUpdate":[
{"channel":"sms","messageId":…,"clientMessageId":…|null,"timestamp":<ms>,"status":…,
"statusCode":…}]}}``, one update per POST, for every status a message reaches (the hook's
``statuses`` filter, if any). Inbound (B §4.7): the ``moText`` event, with ``relatedMessageId``
and ``relatedClientMessageId`` naming the message it answers (``null``: none the fake can tell)
and ``"sms":{"network":…}``: the network ``POST /__admin/mo`` named, ``""`` when none.
"""

from __future__ import annotations

from typing import Any

from ..accounts import Account
from ..codes import format_code
from ..integrations.hooks import json_request
from ..integrations.statuses import ONE_API_STATUSES, epoch_ms
from ..lifecycle import Message, StatusEvent
from ..protocol import ONE
from ..push_payloads import MoPart
from ..push_plans import PushPlan
from ..scenario_model import Integration


def _event(integration: Integration, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "integrationId": integration.integration_id,
        "integrationName": integration.name,
        "event": {name: [entry]},
    }


def status_push(account: Account, change: StatusEvent) -> PushPlan | None:
    """The status callback of the integration that sent the message, if it has one and the
    status passes its filter."""
    message = change.message
    integration = account.integrations.get(message.options.integration or "")
    hook = None if integration is None else integration.status_callback
    if integration is None or hook is None:
        return None
    if hook.statuses is not None and change.status not in hook.statuses:
        return None
    code, name = ONE_API_STATUSES[change.status]
    update = {
        "channel": "sms",
        "messageId": message.apimsgid,
        "clientMessageId": message.climsgid,
        "timestamp": epoch_ms(change.time),
        "status": name,
        "statusCode": code,
    }
    subject = {
        "api": ONE,
        "integration": integration.integration_id,
        "apimsgid": message.apimsgid,
        "status": format_code(change.status),
    }
    document = _event(integration, "messageStatusUpdate", update)
    return PushPlan("callback", hook.target, json_request(hook, document), subject)


def reply_push(
    account: Account, integration: Integration, part: MoPart, related: Message | None
) -> PushPlan | None:
    """The inbound-message callback of the integration whose number was texted, if any."""
    hook = integration.reply_callback
    if hook is None:
        return None
    text = {
        "channel": "sms",
        "messageId": part.mo_msg_id,
        "relatedMessageId": None if related is None else related.apimsgid,
        "relatedClientMessageId": None if related is None else related.climsgid,
        "from": part.sender,
        "to": part.to,
        "timestamp": epoch_ms(part.timestamp),
        "content": part.text,
        "charset": "UTF-8",
        "sms": {"network": part.network},
    }
    subject = {
        "api": ONE,
        "integration": integration.integration_id,
        "moMsgId": part.mo_msg_id,
        "from": part.sender,
        "to": part.to,
    }
    document = _event(integration, "moText", text)
    return PushPlan("mo", hook.target, json_request(hook, document), subject)
