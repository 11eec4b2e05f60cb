"""What the Platform's and One API's callbacks share: how a push reaches an integration's hook.

Success is any 2xx within 10 seconds, retried on the legacy schedule (2, 4, ... 128 minutes,
then 3 days) on the virtual clock (Part A rule 37). ``POST`` sends a compact JSON document
(``Content-Type: application/json``), ``GET`` the same fields as a query string (numbers in
decimal); both say ``User-Agent: fake_clickatell``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlencode

from ..push_payloads import PushRequest
from ..scenario_model import Hook

USER_AGENT = "fake_clickatell"

#: A field's value: text, a number, bytes (sent percent-encoded as they are, in a query), or
#: ``null`` (JSON only; an empty value in a query).
Value = str | int | bytes | None


def _query_value(value: Value) -> str | bytes:
    if value is None:
        return ""
    return value if isinstance(value, str | bytes) else str(value)


def hook_request(hook: Hook, fields: Sequence[tuple[str, Value]]) -> PushRequest:
    """The request that pushes ``fields`` (in order) to ``hook``: a query string for GET, a
    JSON document for POST (bytes go in a query only)."""
    headers: tuple[tuple[str, str], ...] = (("User-Agent", USER_AGENT),)
    if hook.method == "GET":
        query = urlencode([(name, _query_value(value)) for name, value in fields])
        joiner = "&" if "?" in hook.url else "?"
        return PushRequest("GET", hook.url + joiner + query, None, headers)
    return json_request(hook, dict(fields))


def json_request(hook: Hook, document: object) -> PushRequest:
    """The request that POSTs ``document`` (nested JSON, keys in order) to ``hook``."""
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    headers = (("User-Agent", USER_AGENT), ("Content-Type", "application/json"))
    return PushRequest("POST", hook.url, body, headers)
