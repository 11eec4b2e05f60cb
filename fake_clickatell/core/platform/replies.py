"""The Platform's replies: :func:`render`, the one place their bytes are written.

Every send answer has all six keys, whatever happened (PyPI ``clickatell-platform`` reads
``messages`` and ``error`` from every body): one entry per recipient, in order, and the
request-level ``errorCode``/``error``/``errorDescription``, ``null`` when the request was
processed. A processed send is 202 even when every message was refused (clients look at each
entry's ``accepted``). Reply shapes (HTTP status, body)::

    MultiRecipient((...))   202 {"messages":[{"apiMessageId":"…","accepted":true,"to":"…",
                                "errorCode":null,"error":null,"errorDescription":null}],
                                "errorCode":null,"error":null,"errorDescription":null}
    ApiError(1, ...)        401 {"messages":[],"errorCode":1,"error":"…","errorDescription":"…"}
                            (the status by code: :func:`.codes.error_status`)
    Unrouted(404, error)    404 the same shape (405: a resource that takes other methods)
    MessageState(...)       200 {"messageId":"…","status":"RECEIVED_BY_RECIPIENT","statusCode":4,
                                "statusDescription":"Received by recipient","timestamp":<ms>}
    CurrencyBalance(...)    200 {"balance":1267.92865,"currency":"ZAR"}
"""

from __future__ import annotations

from ..codes import STATUSES
from ..grammar import ApiError, MultiRecipient, RecipientAccepted, RecipientResult, reason_of
from ..integrations.replies import CurrencyBalance, MessageState, Unrouted, json_text
from ..integrations.statuses import PLATFORM_STATUSES, epoch_ms
from .codes import error_status

PlatformReply = ApiError | Unrouted | MultiRecipient | MessageState | CurrencyBalance

_NO_ERROR = '"errorCode":null,"error":null,"errorDescription":null'


def _error_fields(code: int, text: str) -> str:
    shown = json_text(text)
    return f'"errorCode":{code},"error":{shown},"errorDescription":{shown}'


def _entry(result: RecipientResult) -> str:
    if isinstance(result, RecipientAccepted):
        return (
            f'{{"apiMessageId":"{result.apimsgid}","accepted":true,"to":{json_text(result.to)},'
            f"{_NO_ERROR}}}"
        )
    return (
        f'{{"apiMessageId":null,"accepted":false,"to":{json_text(result.to)},'
        f"{_error_fields(result.code, result.text)}}}"
    )


def _refused(error: ApiError) -> str:
    return f'{{"messages":[],{_error_fields(error.code, error.text)}}}'


def render(reply: PlatformReply) -> tuple[int, str]:
    """The HTTP status and the exact body the Platform sends for ``reply``."""
    if isinstance(reply, MultiRecipient):
        return 202, f'{{"messages":[{",".join(map(_entry, reply.results))}],{_NO_ERROR}}}'
    if isinstance(reply, ApiError):
        return error_status(reply.code), _refused(reply)
    if isinstance(reply, Unrouted):
        return reply.status, _refused(reply.error)
    if isinstance(reply, MessageState):
        code, name = PLATFORM_STATUSES[reply.status]
        return 200, (
            f'{{"messageId":"{reply.apimsgid}","status":"{name}","statusCode":{code},'
            f'"statusDescription":{json_text(STATUSES[reply.status][0])},'
            f'"timestamp":{epoch_ms(reply.time)}}}'
        )
    if isinstance(reply, CurrencyBalance):
        return 200, reply.body()
    raise TypeError(f"not a Platform reply value: {reply!r}")  # pragma: no cover - exhaustive


def reason(reply: PlatformReply) -> str | None:
    """Why a reply refused (``None``: everything was done as asked)."""
    if isinstance(reply, Unrouted):
        return reply.error.reason
    if isinstance(reply, ApiError | MultiRecipient):
        return reason_of(reply)
    return None
