"""The legacy REST API's errors as data: texts, HTTP statuses, the documentation link.

The REST API shares the HTTP API's error table (the same three-digit codes), with the live
server's wording where it differed (``105 Invalid Destination Address``), its own ``100 Data
malformed``, and HTTP statuses picked by code. Nothing here decides *when* a code applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..codes import ERROR_TEXTS, Err

#: Where every error object points (``documentation``), by code.
DOCUMENTATION = "http://www.clickatell.com/help/apidocs/error/{code}.htm"

#: Default text per code: the HTTP API's, with the REST API's own wording where known.
TEXTS: Mapping[int, str] = MappingProxyType(
    {
        **ERROR_TEXTS,
        Err.IP_LOCKDOWN: "IP lockdown violation",
        100: "Data malformed",
        Err.INVALID_DESTINATION: "Invalid Destination Address",
    }
)

#: Codes the shared steps use that the REST API answers with another: a frozen account
#: authenticates no better than an unknown token.
CODES: Mapping[int, int] = MappingProxyType({Err.ACCOUNT_FROZEN: Err.AUTH_FAILED})

#: The code for a body that is not JSON (an object).
DATA_MALFORMED = 100

#: HTTP status of a request-level error, by code (any other code: 400).
ERROR_STATUS: Mapping[int, int] = MappingProxyType(
    {
        Err.AUTH_FAILED: 401,
        Err.IP_LOCKDOWN: 401,
        Err.UNKNOWN_APIMSGID: 404,
        Err.UNKNOWN_CLIMSGID: 404,
        Err.CANNOT_ROUTE: 410,
        Err.DESTINATION_BLOCKED: 410,
        Err.OPTED_OUT: 410,
        Err.NUMBER_DELISTED: 410,
        Err.MT_LIMIT: 429,
        Err.NO_CREDIT: 402,
        Err.MAX_ALLOWED_CREDIT: 402,
        Err.INTERNAL: 503,
    }
)

#: Recipient errors that make a send with no message accepted answer 410 Gone (all of them
#: one of these), as 301 alone makes it 402.
GONE: frozenset[int] = frozenset(
    {Err.CANNOT_ROUTE, Err.DESTINATION_BLOCKED, Err.OPTED_OUT, Err.NUMBER_DELISTED}
)


def error_status(code: int) -> int:
    """The HTTP status a request-level error ``code`` is answered with."""
    return ERROR_STATUS.get(code, 400)


def send_status(accepted: int, errors: list[int]) -> int:
    """The HTTP status of a send: 202 all accepted, 207 some; none: 402 when every error is
    301, 410 when every error is one of 114 121 122 128, else 400."""
    if not errors:
        return 202
    if accepted:
        return 207
    if all(code == Err.NO_CREDIT for code in errors):
        return 402
    if all(code in GONE for code in errors):
        return 410
    return 400
