"""API keys as the Platform and One API take them: the raw ``Authorization`` header.

``Authorization: <apiKey>``, no scheme (the documents' OpenAPI security scheme, and every
client). Keys compare exactly; a ``Bearer`` in front makes the header a key nobody has.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Why a request carries no key, by where the key was looked for.
NO_HEADER = "no Authorization header (Authorization: <integration API key>)"
EMPTY_HEADER = "the Authorization header is empty"


def header_key(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The key of ``Authorization: <key>`` (surrounding spaces dropped), or why none."""
    value = headers.get("authorization")
    if value is None:
        return None, NO_HEADER
    key = value.strip()
    if not key:
        return None, EMPTY_HEADER
    return key, None
