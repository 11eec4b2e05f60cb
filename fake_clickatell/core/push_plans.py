"""What a status change pushes, and where: one :class:`PushPlan` per push, decided per API.

The gateway asks the protocol of the API a message came through (its ``status_push``) whether
a status change is pushed; the legacy APIs push to the account's callback URL when the
message's ``callback`` value selects the status (:func:`legacy_status_push`), the Platform and
One API to the status callback of the integration that sent it. The outbox keeps the plans as
pushes and retries them; nothing is sent here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codes import CALLBACK_STATUSES, format_code
from .push_payloads import PushRequest, callback_fields, callback_request
from .scenario_model import PushTarget

if TYPE_CHECKING:
    from .accounts import Account
    from .lifecycle import StatusEvent


@dataclass(frozen=True, slots=True)
class PushPlan:
    """One push to make: its kind (``callback`` or ``mo``), where (timeout and retries
    included), the request, what it is about (the admin API's fields), and the secret the
    admin API and the log mask in it (an integration's API key)."""

    kind: str
    target: PushTarget
    request: PushRequest
    subject: dict[str, str]
    secret: str | None = None


def legacy_status_push(account: Account, change: StatusEvent) -> PushPlan | None:
    """The HTTP and REST APIs: the account's callback, when the message's ``callback`` value
    selects the status (HTTP-A 13)."""
    message = change.message
    mask = message.options.callback
    target = account.callback
    if not mask or target is None or change.status not in CALLBACK_STATUSES[mask]:
        return None
    fields = callback_fields(
        api_id=account.api_id,
        apimsgid=message.apimsgid,
        climsgid=message.climsgid,
        timestamp=change.time,
        to=message.to,
        sender=message.options.sender,
        status=change.status,
        charge=message.charge,
    )
    subject = {
        "api": message.options.api,
        "apimsgid": message.apimsgid,
        "status": format_code(change.status),
    }
    return PushPlan("callback", target, callback_request(target, fields), subject)
