"""Helpers for the Platform's and One API's tests: requests, and the exact bodies they answer."""

from __future__ import annotations

import json
import re
from typing import Any

from fake_clickatell.core.scenario_model import Scenario
from fake_clickatell.scenario import scenario_from_data

from .support import Harness, frozen

#: Keys as Clickatell's code library prints them (22 base64url characters and ``==``).
PLATFORM_KEY = "7A620z5FTKab_CeziIuZhg=="
HTTP_KEY = "CY1Tv-d8SOys3y7Hjt3Jfg=="
ONE_KEY = "TLKC2f0xRriDorZdvcx05A=="
MESSAGE_ID = re.compile(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}")
HEX32 = re.compile(r"[0-9a-f]{32}")

#: One account with HTTP credentials, a REST token, a Platform REST and HTTP integration and a
#: One API integration; a second account with its own keys; a frozen one, a locked one, and
#: one whose integration is not active.
ACCOUNTS: dict[str, Any] = {
    "accounts": [
        {
            "api_id": "3442105",
            "user": "demo",
            "password": "secret",
            "balance": "1267.92865",
            "rest_tokens": ["rest-token"],
            "integrations": [
                {"api": "platform", "api_key": PLATFORM_KEY, "name": "My integration"},
                {"api": "platform", "kind": "http", "api_key": HTTP_KEY},
                {"api": "one", "api_key": ONE_KEY},
            ],
        },
        {
            "integrations": [
                {"api": "platform", "api_key": "other-key"},
                {"api": "one", "api_key": "other-one"},
            ],
            "currency": "USD",
        },
        {
            "frozen": True,
            "integrations": [
                {"api": "platform", "api_key": "frozen-key"},
                {"api": "one", "api_key": "frozen-one"},
            ],
        },
        {
            "allowed_ips": ["10.0.0.1"],
            "integrations": [
                {"api": "platform", "api_key": "locked-key"},
                {"api": "one", "api_key": "locked-one"},
            ],
        },
        {
            "integrations": [
                {"api": "platform", "api_key": "idle-key", "active": False},
                {"api": "one", "api_key": "idle-one", "active": False},
            ],
        },
    ]
}
STRICT: Scenario = frozen(scenario_from_data(ACCOUNTS, "integrations.yaml"))


def scenario(data: dict[str, Any]) -> Scenario:
    """A frozen scenario from YAML-shaped data."""
    return frozen(scenario_from_data(data, "test.yaml"))


def call(
    fake: Harness,
    method: str,
    target: str,
    body: object = None,
    key: str | None = PLATFORM_KEY,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """One request with ``Authorization: <key>``; its status and body (checked: JSON content
    type, no trailing newline, a body that parses)."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        sent["Authorization"] = key
    status, raw, answered = fake.raw(method, target, data, sent)
    assert answered["Content-Type"] == "application/json", answered
    assert not raw.endswith(b"\n")
    json.loads(raw)
    return status, raw.decode("utf-8")


# -- the Platform's bodies ---------------------------------------------------------------------

_NO_ERROR = '"errorCode":null,"error":null,"errorDescription":null'


def accepted(to: str, apimsgid: str) -> str:
    """One accepted entry of a Platform send."""
    return f'{{"apiMessageId":"{apimsgid}","accepted":true,"to":"{to}",{_NO_ERROR}}}'


def rejected(to: str, code: int, text: str) -> str:
    """One refused entry of a Platform send."""
    shown = json.dumps(text, ensure_ascii=False)
    return (
        f'{{"apiMessageId":null,"accepted":false,"to":{json.dumps(to, ensure_ascii=False)},'
        f'"errorCode":{code},"error":{shown},"errorDescription":{shown}}}'
    )


def sent(*entries: str) -> str:
    """A processed Platform send's body."""
    return f'{{"messages":[{",".join(entries)}],{_NO_ERROR}}}'


def refused(code: int, text: str) -> str:
    """A Platform request-level error's body."""
    shown = json.dumps(text, ensure_ascii=False)
    return f'{{"messages":[],"errorCode":{code},"error":{shown},"errorDescription":{shown}}}'


def platform_ids(body: str) -> list[str | None]:
    """The message ids a Platform send gave, in order (``None``: refused)."""
    return [entry["apiMessageId"] for entry in json.loads(body)["messages"]]


def platform_send(fake: Harness, body: object, key: str = PLATFORM_KEY) -> tuple[int, str]:
    """``POST /messages``."""
    return call(fake, "POST", "/messages", body, key)


def platform_one(fake: Harness, to: str = "27999000001", **fields: Any) -> str:
    """Send one accepted message through ``POST /messages``; its id."""
    status, body = platform_send(fake, {"content": "hi", "to": [to], **fields})
    assert status == 202, body
    (apimsgid,) = platform_ids(body)
    assert apimsgid is not None, body
    assert MESSAGE_ID.fullmatch(apimsgid), body
    return apimsgid


# -- the One API's bodies ----------------------------------------------------------------------


def one_accepted(to: str, apimsgid: str) -> str:
    """One accepted entry of a One API send."""
    return f'{{"apiMessageId":"{apimsgid}","accepted":true,"to":"{to}","error":null}}'


def one_rejected(to: str, code: int, text: str) -> str:
    """One refused entry of a One API send."""
    return (
        f'{{"error":{{"code":{code},"description":{json.dumps(text, ensure_ascii=False)}}},'
        f'"accepted":false,"to":{json.dumps(to, ensure_ascii=False)}}}'
    )


def one_sent(*entries: str) -> str:
    """A One API send's body."""
    return f'{{"messages":[{",".join(entries)}],"error":null}}'


def one_error(code: int, text: str) -> str:
    """A One API global error's body."""
    return f'{{"error":{{"code":{code},"description":{json.dumps(text)}}}}}'


def one_ids(body: str) -> list[str | None]:
    """The message ids a One API send gave, in order (``None``: refused)."""
    return [entry.get("apiMessageId") for entry in json.loads(body)["messages"]]


def one_send(fake: Harness, *messages: object, key: str = ONE_KEY) -> tuple[int, str]:
    """``POST /v1/message`` with these messages."""
    return call(fake, "POST", "/v1/message", {"messages": list(messages)}, key)


def one_one(fake: Harness, to: str = "27999000001", **fields: Any) -> str:
    """Send one accepted message through ``POST /v1/message``; its id."""
    status, body = one_send(fake, {"channel": "sms", "to": to, "content": "Hi", **fields})
    assert status == 202, body
    (apimsgid,) = one_ids(body)
    assert apimsgid is not None, body
    assert MESSAGE_ID.fullmatch(apimsgid), body
    return apimsgid
