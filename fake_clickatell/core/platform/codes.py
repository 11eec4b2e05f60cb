"""The Platform's errors as data: texts, the legacy codes it numbers its own way, and the HTTP
status of a request-level error.

No list of the SMS integrations' error codes survives; the numbers follow the Platform-era
WhatsApp list (1, 2, 3, 7, 100-102, 153, 158, 161, 900, 901), the legacy table for what an
account shares with the older APIs (114, 121, 122, 128, 301), and borrow the One API's for the
rest (21 malformed JSON, 23 a bad parameter, 40 a charset, 42 a method, 43 the rate limit).
Nothing here decides *when* a code applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..codes import ERROR_TEXTS, Err

INVALID_KEY = 1
INTEGRATION_INACTIVE = 2
MALFORMED = 21
METHOD_NOT_ALLOWED = 42
EMPTY_RECEIVERS = 102
TOO_MANY_RECIPIENTS = 153
NO_RESOURCE = 161
INTERNAL = 900

#: Default text per code (``{parameter}``, ``{charset}``: what the request named).
TEXTS: Mapping[int, str] = MappingProxyType(
    {
        INVALID_KEY: "Invalid or missing Integration API Key",
        INTEGRATION_INACTIVE: "Integration is not active",
        3: "Account is not active",
        7: "IP lockdown violation",
        MALFORMED: "Payload data is malformed",
        23: "Invalid or missing parameter: {parameter} .",
        40: "Character set is not supported: {charset}",
        METHOD_NOT_ALLOWED: "HTTP method is not supported on this resource",
        43: "Rate limit",
        44: "Two-Way integration error - You should specify correct from number",
        45: "Two-Way integration error - From number is not related to integration",
        100: "Empty message content",
        101: "Message content is too long",
        EMPTY_RECEIVERS: "Empty receivers list",
        **{code: ERROR_TEXTS[code] for code in (114, 121, 122, 128, 301)},
        TOO_MANY_RECIPIENTS: "Too many MSISDNs",
        158: "Invalid destination address.",
        NO_RESOURCE: "Resource does not exist",
        INTERNAL: "Internal error",
        901: "Internal error \u2013 please retry",  # an en dash, as the Platform-era list has it
    }
)

#: The legacy codes the shared steps speak -> the Platform's.
CODES: Mapping[int, int] = MappingProxyType(
    {
        Err.ACCOUNT_FROZEN: 3,
        Err.INVALID_PARAMETERS: MALFORMED,  # only a body over the size limit reaches here
        Err.INVALID_DESTINATION: 158,
        Err.EMPTY_MESSAGE: 100,
        Err.TOO_MANY_PARTS: 101,
        Err.MT_LIMIT: 43,
    }
)

#: HTTP status of a request-level error, by code (any other: 400). The two-way errors come
#: with 200 (PHP3 issue #30, courier's fixture).
ERROR_STATUS: Mapping[int, int] = MappingProxyType(
    {
        INVALID_KEY: 401,
        7: 401,
        43: 429,
        44: 200,
        45: 200,
        NO_RESOURCE: 404,
        INTERNAL: 503,
        901: 503,
    }
)


def error_status(code: int) -> int:
    """The HTTP status a request-level error ``code`` is answered with."""
    return ERROR_STATUS.get(code, 400)
