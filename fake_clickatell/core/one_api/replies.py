"""The One API's replies: :func:`render`, the one place their bytes are written.

Reply shapes (HTTP status, body)::

    OneApiSend((...))       {"messages":[…],"error":null}: 202 all accepted, 207 mixed, else
                            the status of the first message's error (400; 402 for 20)
        accepted entry      {"apiMessageId":"…","accepted":true,"to":"<digits>","error":null}
        refused entry       {"error":{"code":23,"description":"…"},"accepted":false,"to":"…"}
    ApiError(1, ...)        401 {"error":{"code":1,"description":"…"}} (status by the table)
    MessageState(...)       200 {"sms":{"status":"DEVICE_ACK","timestamp":<ms>}}
    UnknownMessage(now)     200 {"status":"UNKNOWN","timestamp":<ms>}
    CurrencyBalance(...)    200 {"balance":297.5,"currency":"ZAR"}
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grammar import (
    ApiError,
    MultiRecipient,
    RecipientAccepted,
    RecipientError,
    RecipientResult,
    reason_of,
)
from ..integrations.replies import CurrencyBalance, MessageState, json_text
from ..integrations.statuses import ONE_API_STATUSES, ONE_API_UNKNOWN, epoch_ms
from .codes import error_status


@dataclass(frozen=True, slots=True)
class UnknownMessage:
    """A status query for a message the account does not have, at virtual time ``now``."""

    now: float


OneApiReply = ApiError | MultiRecipient | MessageState | UnknownMessage | CurrencyBalance


def _error(code: int, text: str) -> str:
    return f'{{"code":{code},"description":{json_text(text)}}}'


def _entry(result: RecipientResult) -> str:
    if isinstance(result, RecipientAccepted):
        return (
            f'{{"apiMessageId":"{result.apimsgid}","accepted":true,'
            f'"to":{json_text(result.to)},"error":null}}'
        )
    return (
        f'{{"error":{_error(result.code, result.text)},"accepted":false,'
        f'"to":{json_text(result.to)}}}'
    )


def send_status(results: tuple[RecipientResult, ...]) -> int:
    """202 all accepted, 207 some; none: the status of the first message's error."""
    refused = [result for result in results if isinstance(result, RecipientError)]
    if not refused:
        return 202
    if len(refused) < len(results):
        return 207
    return error_status(refused[0].code)


def render(reply: OneApiReply) -> tuple[int, str]:
    """The HTTP status and the exact body the One API sends for ``reply``."""
    if isinstance(reply, MultiRecipient):
        entries = ",".join(map(_entry, reply.results))
        return send_status(reply.results), f'{{"messages":[{entries}],"error":null}}'
    if isinstance(reply, ApiError):
        return error_status(reply.code), f'{{"error":{_error(reply.code, reply.text)}}}'
    if isinstance(reply, MessageState):
        name = ONE_API_STATUSES[reply.status][1]
        return 200, f'{{"sms":{{"status":"{name}","timestamp":{epoch_ms(reply.time)}}}}}'
    if isinstance(reply, UnknownMessage):
        return 200, f'{{"status":"{ONE_API_UNKNOWN}","timestamp":{epoch_ms(reply.now)}}}'
    if isinstance(reply, CurrencyBalance):
        return 200, reply.body()
    raise TypeError(f"not a One API reply value: {reply!r}")  # pragma: no cover - exhaustive


def reason(reply: OneApiReply) -> str | None:
    """Why a reply refused (``None``: everything was done as asked)."""
    if isinstance(reply, ApiError | MultiRecipient):
        return reason_of(reply)
    if isinstance(reply, UnknownMessage):
        return "no such message of this account: answered UNKNOWN"
    return None
