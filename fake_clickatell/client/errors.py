"""The exceptions the reference client raises, one family per kind of failure.

The tree is drawn in :mod:`fake_clickatell.client`'s docstring; :data:`ERROR_FAMILIES` maps each
code to its family, with the reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..core.codes import format_code


class ClickatellError(Exception):
    """Root of the exceptions the client raises (see the tree in the module docstring)."""


class TransportError(ClickatellError):
    """No API reply: the connection failed or timed out, or the HTTP status was not 200.

    ``status_code`` and ``body`` are set when an HTTP response did arrive.
    """

    def __init__(self, message: str, status_code: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class ParseError(ClickatellError):
    """A reply body outside the grammar, or a reply the command cannot answer; ``body`` is it."""

    def __init__(self, body: str, reason: str = "not a Clickatell reply") -> None:
        super().__init__(f"{reason}: {body!r}")
        self.body = body
        self.reason = reason


class APIError(ClickatellError):
    """The API answered ``ERR: <code>, <description>``; the subclass names the family."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"ERR: {format_code(code)}, {description}")
        self.code = code
        self.description = description

    def __reduce__(self) -> tuple[type[APIError], tuple[int, str]]:
        # Pickled by its own arguments (the default would pass the message alone).
        return (type(self), (self.code, self.description))


class AuthenticationError(APIError):
    """001, 002, 004, 007, 108: the credentials are refused, or the account may not be used."""


class SessionError(APIError):
    """003, 005: the session expired, is unknown, or was not sent."""


class ParameterError(APIError):
    """100-113, 116, 120, 123, 201, 202: a parameter is missing, malformed or names nothing
    (100: the REST API's body is no JSON)."""


class RoutingError(APIError):
    """114, 115, 121, 122, 128: a valid message the network will not carry to that number."""


class CreditError(APIError):
    """130, 301, 302: out of credit, over the credit cap, or over the MT volume limit."""


class InternalError(APIError):
    """901 (Clickatell advises a retry), and any code the client does not know."""


#: Error code -> exception family. Why each code sits where it does:
#:
#: * 004 (frozen) and 007 (IP lockdown) are authentication: the caller may not use the account,
#:   and a new session would not change that. 005 is a session error: with no session sent,
#:   authenticating is the cure, as for 003.
#: * 103, 104 (unknown message id) and 109 (none given) are parameter errors: the request names
#:   nothing. 105 (invalid destination) too: the number is malformed, not unreachable; in a send
#:   it is a :class:`Rejected` value like every recipient error.
#: * Routing is what a well-formed request cannot change: no route (114), expired (115), blocked
#:   (121), opted out (122), delisted (128).
#: * 201 (an unknown, ended or expired batch) and 202 (no template) are parameter errors too:
#:   the request names no live batch, or lacks what starts one.
#: * 130 (MT limit until a time) is a credit error: like 301 and 302, it is the account's
#:   allowance that ran out, and it lifts on its own or by paying.
ERROR_FAMILIES: Mapping[int, type[APIError]] = MappingProxyType(
    {
        **dict.fromkeys((1, 2, 4, 7, 108), AuthenticationError),
        **dict.fromkeys((3, 5), SessionError),
        **dict.fromkeys((100, 101, 102, 103, 104, 105, 106, 107, 109, 110), ParameterError),
        **dict.fromkeys((111, 112, 113, 116, 120, 123, 201, 202), ParameterError),
        **dict.fromkeys((114, 115, 121, 122, 128), RoutingError),
        **dict.fromkeys((130, 301, 302), CreditError),
        901: InternalError,
    }
)


#: The Platform's error codes -> exception family (its own numbering: 1 unknown key, 2 and 3 an
#: inactive integration or account, 21-45 what a request or its ``from`` got wrong, 100-158 the
#: content and the numbers, 900 and 901 its own faults; 114-128 and 301 as in the legacy table).
PLATFORM_ERROR_FAMILIES: Mapping[int, type[APIError]] = MappingProxyType(
    {
        **dict.fromkeys((1, 2, 3, 7), AuthenticationError),
        **dict.fromkeys((21, 23, 40, 42, 44, 45, 100, 101, 102, 153, 158, 161), ParameterError),
        **dict.fromkeys((114, 121, 122, 128), RoutingError),
        **dict.fromkeys((43, 301), CreditError),
        **dict.fromkeys((900, 901), InternalError),
    }
)

#: The One API's error codes -> exception family (its errors table): the key, account and
#: integration (1, 2, 3, 7, 46); the request and each message's fields (21-25, 40-42, 44, 45,
#: 100); recipients and channels the network will not reach (26-28, 38, 39, 101, 110, 111);
#: balance and rate (20, 43); its own faults (18, 19).
ONE_API_ERROR_FAMILIES: Mapping[int, type[APIError]] = MappingProxyType(
    {
        **dict.fromkeys((1, 2, 3, 7, 46), AuthenticationError),
        **dict.fromkeys((21, 22, 23, 24, 25, 40, 41, 42, 44, 45, 100), ParameterError),
        **dict.fromkeys((26, 27, 28, 38, 39, 101, 110, 111), RoutingError),
        **dict.fromkeys((20, 43), CreditError),
        **dict.fromkeys((18, 19), InternalError),
    }
)

#: Each API's families, by the API's name.
FAMILIES_BY_API: Mapping[str, Mapping[int, type[APIError]]] = MappingProxyType(
    {
        "http": ERROR_FAMILIES,
        "rest": ERROR_FAMILIES,
        "platform": PLATFORM_ERROR_FAMILIES,
        "one": ONE_API_ERROR_FAMILIES,
    }
)


def error_for(
    code: int, description: str, families: Mapping[int, type[APIError]] = ERROR_FAMILIES
) -> APIError:
    """The exception (not raised) for ``ERR: <code>, <description>`` (``families``: the API's
    table; the legacy APIs' by default)."""
    return families.get(code, InternalError)(code, description)
