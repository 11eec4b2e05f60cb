"""Helpers for the legacy REST API's tests: requests, and the exact bodies it answers."""

from __future__ import annotations

import json
import re
from typing import Any

from fake_clickatell.core.scenario_model import Scenario
from fake_clickatell.scenario import scenario_from_data

from .support import Harness, frozen

#: The documentation's sample token (63 characters of [A-Za-z0-9._]).
TOKEN = "4ZnXsl.LcQrDl4ZHWBt6_J1KLqNZVV7Tfg9KK25nd1EYaQ7SPP2mmLkODKhzJ1S"
DOC = "http://www.clickatell.com/help/apidocs/error/{code}.htm"
MESSAGE_ID = re.compile(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}")

#: Two accounts with REST tokens (one also with HTTP credentials), a frozen one, a locked one.
STRICT_REST: Scenario = frozen(
    scenario_from_data(
        {
            "accounts": [
                {
                    "api_id": "3442105",
                    "user": "demo",
                    "password": "secret",
                    "balance": "300.50",
                    "rest_tokens": [TOKEN, "second-token"],
                },
                {"api_id": "3442106", "user": "other", "password": "x", "rest_tokens": ["T2"]},
                {
                    "api_id": "777",
                    "user": "ice",
                    "password": "cold",
                    "frozen": True,
                    "rest_tokens": ["frozen"],
                },
                {
                    "api_id": "888",
                    "user": "far",
                    "password": "away",
                    "allowed_ips": ["10.0.0.1"],
                    "rest_tokens": ["locked"],
                },
            ]
        },
        "strict-rest.yaml",
    )
)


def headers(token: str | None = TOKEN, **extra: str) -> dict[str, str]:
    """What every client sends: the bearer token, X-Version: 1, a JSON content type."""
    sent = {"X-Version": "1", "Content-Type": "application/json", **extra}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return sent


def call(
    fake: Harness,
    method: str,
    path: str,
    body: object = None,
    sent: dict[str, str] | None = None,
) -> tuple[int, str]:
    """One REST request; its status and body (checked: JSON content type, no trailing
    newline, a body that parses)."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    status, raw, answered = fake.raw(method, path, data, headers() if sent is None else sent)
    assert answered["Content-Type"] == "application/json", answered
    assert not raw.endswith(b"\n")
    json.loads(raw)
    return status, raw.decode("utf-8")


def send(fake: Harness, body: object, sent: dict[str, str] | None = None) -> tuple[int, str]:
    """``POST /rest/message``."""
    return call(fake, "POST", "/rest/message", body, sent)


def error(code: str, text: str) -> str:
    """A request-level error body."""
    return f'{{"error":{error_object(code, text)}}}'


def error_object(code: str, text: str) -> str:
    """The three-key error object."""
    return f'{{"code":"{code}","description":"{text}","documentation":"{DOC.format(code=code)}"}}'


def accepted(to: str, apimsgid: str) -> str:
    """One accepted entry of a send."""
    return f'{{"accepted":true,"to":"{to}","apiMessageId":"{apimsgid}"}}'


def rejected(to: str, code: str, text: str) -> str:
    """One rejected entry of a send."""
    return (
        f'{{"accepted":false,"to":{json.dumps(to)},"apiMessageId":"",'
        f'"error":{error_object(code, text)}}}'
    )


def envelope(*entries: str) -> str:
    """A send's body."""
    return f'{{"data":{{"message":[{",".join(entries)}]}}}}'


def ids(body: str) -> list[str]:
    """The message ids a send's body gave, in order ("" for a rejected entry)."""
    return [entry["apiMessageId"] for entry in json.loads(body)["data"]["message"]]


def sent_one(fake: Harness, body: dict[str, Any] | None = None) -> str:
    """Send one accepted message (to 27999000001 by default); its id."""
    status, reply = send(fake, body or {"text": "hi", "to": ["27999000001"]})
    assert status == 202, reply
    (apimsgid,) = ids(reply)
    assert MESSAGE_ID.fullmatch(apimsgid)
    return apimsgid
