"""The One API's errors as data: the errors table (texts and HTTP statuses), and the legacy
codes it numbers its own way. Nothing here decides *when* a code applies.

Global errors stand alone (``{"error":{...}}``); message errors sit in the message's entry.
Texts in ``{braces}`` name what the request gave (rule 34): ``Invalid or missing parameter:
to .`` (the space before the full stop is in Clickatell's own fixtures).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..codes import Err

INVALID_KEY = 1
INTEGRATION_INACTIVE = 3
INTERNAL = 18
MALFORMED = 21
TOO_MANY_MESSAGES = 22
INVALID_PARAMETER = 23
CHANNEL_UNAVAILABLE = 39
NO_RESOURCE = 41
METHOD_NOT_ALLOWED = 42
FROM_NOT_RELATED = 45

#: Code -> (HTTP status, default text), as the errors table has them.
ERRORS: Mapping[int, tuple[int, str]] = MappingProxyType(
    {
        INVALID_KEY: (401, "Invalid or missing integration API Key"),
        2: (400, "Account is not active"),
        INTEGRATION_INACTIVE: (400, "Integration is not active"),
        7: (401, "Originating IP address is not approved in your account"),
        INTERNAL: (500, "Internal error"),
        19: (503, "Internal error, please retry"),
        20: (402, "Insufficient account balance"),
        MALFORMED: (400, "Payload data is malformed"),
        TOO_MANY_MESSAGES: (400, "Maximum messages per request payload exceeded"),
        INVALID_PARAMETER: (400, "Invalid or missing parameter: {parameter} ."),
        24: (400, "Maximum message content size exceeded"),
        25: (400, "Invalid recipient address: {to}"),
        26: (400, "Recipient opted out"),
        27: (400, "Recipient not available on channel"),
        28: (400, "Recipient not available on sandbox"),
        38: (400, "Channel/feature is not active on integration"),
        CHANNEL_UNAVAILABLE: (400, "Channel is not available on integration"),
        40: (400, "Character set is not supported: {charset}"),
        NO_RESOURCE: (400, "Resource does not exist"),
        METHOD_NOT_ALLOWED: (400, "HTTP method is not supported on this resource"),
        43: (400, "Rate limit"),
        44: (400, "FROM number is suspended"),
        FROM_NOT_RELATED: (400, "FROM number is not related to integration"),
        46: (400, "Demo access has expired"),
        100: (400, "Maximum message parts exceeded"),
        101: (400, "Destination does not support two-way messaging"),
        110: (400, "USA country limit: must use two-way integration"),
        111: (400, "USA country limit: must enable STOP/SUBSCRIBE commands on integration"),
    }
)

#: Default text per code.
TEXTS: Mapping[int, str] = MappingProxyType({code: text for code, (_, text) in ERRORS.items()})

#: The legacy codes the shared steps speak -> the One API's (B §5.2).
CODES: Mapping[int, int] = MappingProxyType(
    {
        Err.ACCOUNT_FROZEN: 2,
        Err.INVALID_PARAMETERS: MALFORMED,  # only a body over the size limit reaches here
        Err.INVALID_DESTINATION: 25,
        Err.EMPTY_MESSAGE: INVALID_PARAMETER,  # with parameter: content
        Err.TOO_MANY_PARTS: 100,
        Err.CANNOT_ROUTE: 27,
        Err.DESTINATION_BLOCKED: 26,
        Err.OPTED_OUT: 26,
        Err.NUMBER_DELISTED: 27,
        Err.MT_LIMIT: 43,
        Err.NO_CREDIT: 20,
        Err.INTERNAL: 19,
    }
)


def error_status(code: int) -> int:
    """The HTTP status of an error ``code`` (the table's; 400 for a code it lacks)."""
    entry = ERRORS.get(code)
    return entry[0] if entry is not None else 400
