"""Properties of the Platform and the One API for random bodies and requests, valid and not: the
reply always parses, has exactly the documented keys in the documented order, its status follows
its entries, and the balance falls by exactly the charges of the messages it accepted."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from typing import Any

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from fake_clickatell import create_app
from fake_clickatell import strategies as cst
from fake_clickatell.app import runtime_of
from fake_clickatell.core.integrations.numbers import clean_number
from fake_clickatell.core.one_api.codes import ERRORS as ONE_API_ERRORS
from fake_clickatell.core.platform.codes import TEXTS as PLATFORM_TEXTS

from .client_support import examples
from .integration_support import MESSAGE_ID
from .support import T0, frozen

#: Each example makes a request through the app and reads its state back.
COSTLY = examples(0.25)

PLATFORM_KEYS = ["messages", "errorCode", "error", "errorDescription"]
PLATFORM_ENTRY = ["apiMessageId", "accepted", "to", "errorCode", "error", "errorDescription"]
PLATFORM_STATUSES = {200, 202, 400, 401, 404, 405, 429, 503}
ONE_ACCEPTED = ["apiMessageId", "accepted", "to", "error"]
ONE_REFUSED = ["error", "accepted", "to"]
MSISDN = re.compile(r"[1-9][0-9]{6,14}")


@cache
def app() -> Flask:
    """One fake for every example (reset before each): open mode, a frozen clock."""
    return create_app(frozen())


def request(
    method: str, path: str, body: bytes = b"", key: str | None = "k", **headers: str
) -> tuple[int, bytes, Decimal, list[dict[str, Any]]]:
    """One request to a freshly reset fake: status, body, balance spent, messages (checked:
    JSON content type, compact JSON, no trailing newline, nothing raised in the fake)."""
    fake = app()
    runtime = runtime_of(fake)
    runtime.reset()
    sent = {"Content-Type": "application/json", **headers}
    if key is not None:
        sent["Authorization"] = key
    reply = fake.test_client().open(path, method=method, data=body, headers=sent)
    assert reply.headers["Content-Type"] == "application/json"
    raw = reply.get_data()
    if method != "HEAD":
        assert not raw.endswith(b"\n")
        parsed = json.loads(raw)
        assert raw.decode() == json.dumps(parsed, separators=(",", ":"), ensure_ascii=False)
    accounts = runtime.accounts()["accounts"]
    spent = sum((Decimal(100) - Decimal(a["balance"]) for a in accounts), Decimal(0))
    assert runtime.errors == []
    return reply.status_code, raw, spent, runtime.messages()["messages"]


# -- the Platform ----------------------------------------------------------------------------------


def check_platform(status: int, raw: bytes, spent: Decimal, messages: list[Any]) -> dict[str, Any]:
    """Every invariant of a Platform send's reply; the reply."""
    parsed: dict[str, Any] = json.loads(raw)
    assert list(parsed) == PLATFORM_KEYS
    assert status in PLATFORM_STATUSES
    accepted = []
    for entry in parsed["messages"]:
        assert list(entry) == PLATFORM_ENTRY
        assert isinstance(entry["to"], str)
        if entry["accepted"] is True:
            assert MESSAGE_ID.fullmatch(entry["apiMessageId"])
            assert [entry["errorCode"], entry["error"], entry["errorDescription"]] == [None] * 3
            accepted.append(entry)
        else:
            assert entry["accepted"] is False
            assert entry["apiMessageId"] is None
            assert entry["error"] == entry["errorDescription"] == PLATFORM_TEXTS[entry["errorCode"]]
    if parsed["errorCode"] is None:
        assert status == 202
        assert parsed["messages"]
        assert parsed["error"] is parsed["errorDescription"] is None
    else:
        assert parsed["messages"] == []
        assert parsed["error"] == parsed["errorDescription"]
        assert status != 202
    assert [m["apimsgid"] for m in messages] == [e["apiMessageId"] for e in accepted]
    assert [m["to"] for m in messages] == [e["to"] for e in accepted]
    assert spent == sum((Decimal(m["charge"]) for m in messages), Decimal(0))
    assert all(m["api"] == "platform" for m in messages)
    return parsed


@COSTLY
@given(cst.integration_documents())
def test_any_body_to_the_platform_is_answered_with_its_six_keys(body: bytes):
    check_platform(*request("POST", "/messages", body))


@COSTLY
@given(cst.platform_send_bodies(now=T0))
def test_a_valid_platform_send_is_accepted_for_every_number_and_charged_its_parts(
    body: dict[str, Any],
):
    status, raw, spent, messages = request("POST", "/messages", json.dumps(body).encode())
    check_platform(status, raw, spent, messages)
    assert status == 202
    assert [m["to"] for m in messages] == [clean_number(str(n)) for n in body["to"]]
    assert spent == sum(m["parts"] for m in messages)
    assert {m["text"] for m in messages} == {body["content"]}


@COSTLY
@given(cst.invalid_platform_send_bodies(now=T0))
def test_one_platform_mistake_is_one_request_level_error(
    case: tuple[dict[str, Any], tuple[int, int]],
):
    body, expected = case
    status, raw, spent, messages = request("POST", "/messages", json.dumps(body).encode())
    parsed = check_platform(status, raw, spent, messages)
    assert (status, parsed["errorCode"]) == expected


@COSTLY
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["to", "content", "from", "charset", "binary", "apiKey", "x"]),
            st.text(max_size=12),
        ),
        max_size=6,
    )
)
def test_any_http_send_is_answered_with_its_six_keys(pairs: list[tuple[str, str]]):
    from urllib.parse import urlencode

    query = urlencode([("apiKey", "k"), *pairs])
    check_platform(*request("GET", f"/messages/http/send?{query}", key=None))


# -- the One API -----------------------------------------------------------------------------------


def check_one_api(status: int, raw: bytes, spent: Decimal, messages: list[Any]) -> dict[str, Any]:
    """Every invariant of a One API send's reply; the reply."""
    parsed: dict[str, Any] = json.loads(raw)
    if list(parsed) == ["error"]:
        error = parsed["error"]
        assert list(error) == ["code", "description"]
        assert (status, error["description"]) == ONE_API_ERRORS[error["code"]]
        assert messages == []
        assert spent == 0
        return parsed
    assert list(parsed) == ["messages", "error"]
    assert parsed["error"] is None
    accepted, refused = [], []
    for entry in parsed["messages"]:
        assert isinstance(entry["to"], str)
        if entry["accepted"] is True:
            assert list(entry) == ONE_ACCEPTED
            assert MESSAGE_ID.fullmatch(entry["apiMessageId"])
            assert entry["error"] is None
            accepted.append(entry)
        else:
            assert list(entry) == ONE_REFUSED
            assert list(entry["error"]) == ["code", "description"]
            refused.append(entry["error"]["code"])
    if not refused:
        assert status == 202
    elif accepted:
        assert status == 207
    else:
        assert status == ONE_API_ERRORS[refused[0]][0]
    assert [m["apimsgid"] for m in messages] == [e["apiMessageId"] for e in accepted]
    assert spent == sum((Decimal(m["charge"]) for m in messages), Decimal(0))
    assert all(m["api"] == "one" for m in messages)
    return parsed


@COSTLY
@given(cst.integration_documents())
def test_any_body_to_the_one_api_is_answered_with_its_documented_keys(body: bytes):
    check_one_api(*request("POST", "/v1/message", body))


@COSTLY
@given(st.lists(cst.one_api_messages(now=T0), min_size=1, max_size=4))
def test_valid_one_api_messages_are_each_accepted_and_charged(messages: list[dict[str, Any]]):
    status, raw, spent, stored = request(
        "POST", "/v1/message", json.dumps({"messages": messages}).encode()
    )
    check_one_api(status, raw, spent, stored)
    assert status == 202
    assert [m["to"] for m in stored] == [clean_number(m["to"]) for m in messages]
    assert spent == sum(m["parts"] for m in stored)


@COSTLY
@given(cst.one_api_messages(now=T0), cst.invalid_one_api_messages(now=T0))
def test_a_mistaken_message_is_refused_in_its_entry_alone(
    good: dict[str, Any], case: tuple[dict[str, Any], int]
):
    bad, code = case
    status, raw, spent, stored = request(
        "POST", "/v1/message", json.dumps({"messages": [bad, good]}).encode()
    )
    parsed = check_one_api(status, raw, spent, stored)
    refused, accepted = parsed["messages"]
    assert (status, refused["error"]["code"], accepted["accepted"]) == (207, code, True)


@COSTLY
@given(
    st.lists(st.one_of(cst.msisdns(), cst.invalid_msisdns()), min_size=1, max_size=6),
    st.integers(0, 4),
    st.booleans(),
)
def test_credit_runs_out_in_request_order_on_both_apis(
    numbers: list[str], credit: int, one_api: bool
):
    fake = create_app(frozen(default_balance=Decimal(credit)))
    client = fake.test_client()
    valid = [n for n in numbers if MSISDN.fullmatch(clean_number(n))]  # "+1000000" is fine here
    if one_api:
        messages = {"messages": [{"to": n, "content": "x"} for n in numbers]}
        entries = client.post(
            "/v1/message", json=messages, headers={"Authorization": "k"}
        ).get_json()
        no_credit = [
            e for e in entries["messages"] if e.get("error", {}) and e["error"]["code"] == 20
        ]
    else:
        body = {"content": "x", "to": numbers}
        entries = client.post("/messages", json=body, headers={"Authorization": "k"}).get_json()
        no_credit = [e for e in entries["messages"] if e["errorCode"] == 301]
    assert sum(e["accepted"] for e in entries["messages"]) == min(len(valid), credit)
    assert len(no_credit) == max(0, len(valid) - credit)
    (account,) = runtime_of(fake).accounts()["accounts"]
    assert Decimal(account["balance"]) == credit - min(len(valid), credit)


# -- any request at all ----------------------------------------------------------------------------

_SEGMENTS = st.text(st.characters(codec="ascii", exclude_characters="/?#%"), max_size=8)
_WORDS = ["messages", "http", "send", "public-client", "balance", "message", "status", "v1"]


@COSTLY
@given(
    st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"]),
    st.sampled_from(["messages", "public-client", "v1"]),
    st.lists(st.one_of(st.sampled_from(_WORDS), _SEGMENTS), max_size=3),
    st.dictionaries(
        st.sampled_from(["Authorization", "Content-Type"]),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
    ),
    st.binary(max_size=30),
)
def test_any_request_to_the_newer_apis_gets_their_json(method, prefix, segments, sent, body):
    fake = app()
    runtime = runtime_of(fake)
    runtime.reset()
    path = "/" + "/".join([prefix, *segments])
    reply = fake.test_client().open(path, method=method, headers=sent, data=body)
    assert reply.headers["Content-Type"] == "application/json"
    if method != "HEAD":
        parsed = json.loads(reply.get_data())
        assert isinstance(parsed, dict)
        if prefix == "v1":
            assert list(parsed) in (
                ["messages", "error"],
                ["error"],
                ["sms"],
                ["status", "timestamp"],
                ["balance", "currency"],
            )
        else:
            assert list(parsed) in (
                PLATFORM_KEYS,
                ["balance", "currency"],
                ["messageId", "status", "statusCode", "statusDescription", "timestamp"],
            )
    assert reply.status_code < 500 or reply.status_code == 503
    assert runtime.errors == []
