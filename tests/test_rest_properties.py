"""Properties of the REST API for random bodies, valid and not: the reply always parses, has
exactly the documented keys in the documented order, its status follows the entries, and the
balance falls by exactly the charges of the messages it accepted."""

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
from fake_clickatell.core.rest.codes import send_status

from .client_support import examples
from .rest_support import DOC, MESSAGE_ID, headers
from .support import T0, frozen

ERROR_KEYS = ["code", "description", "documentation"]
#: Each example makes a request through the app and reads its state back.
COSTLY = examples(0.25)


@cache
def app() -> Flask:
    """One fake for every example (reset before each): open mode, a frozen clock."""
    return create_app(frozen())


def post(
    body: bytes, token: str = "t"
) -> tuple[int, dict[str, Any], Decimal, list[dict[str, Any]]]:
    """POST the body to a freshly reset fake: status, parsed reply, balance spent, messages."""
    fake = app()
    runtime = runtime_of(fake)
    runtime.reset()
    reply = fake.test_client().post("/rest/message", data=body, headers=headers(token))
    assert reply.headers["Content-Type"] == "application/json"
    raw = reply.get_data()
    assert not raw.endswith(b"\n")
    parsed = json.loads(raw)
    assert isinstance(parsed, dict)
    assert raw.decode() == json.dumps(parsed, separators=(",", ":"), ensure_ascii=False)
    accounts = runtime.accounts()["accounts"]
    spent = sum((Decimal(100) - Decimal(a["balance"]) for a in accounts), Decimal(0))
    assert runtime.errors == []
    return reply.status_code, parsed, spent, runtime.messages()["messages"]


def check_error(error: dict[str, Any]) -> str:
    assert list(error) == ERROR_KEYS
    code = error["code"]
    assert isinstance(code, str)
    assert len(code) == 3
    assert code.isdigit()
    assert isinstance(error["description"], str)
    assert error["description"]
    assert error["documentation"] == DOC.format(code=code)
    return code


def check_reply(status: int, parsed: dict[str, Any], spent: Decimal, messages: list[Any]) -> None:
    """Every invariant of a send's reply."""
    if "error" in parsed:
        assert list(parsed) == ["error"]
        check_error(parsed["error"])
        assert status in (400, 401, 402, 410)
        assert messages == []
        assert spent == 0
        return
    assert list(parsed) == ["data"]
    assert list(parsed["data"]) == ["message"]
    entries = parsed["data"]["message"]
    assert entries
    accepted, errors = [], []
    for entry in entries:
        assert isinstance(entry["to"], str)
        if entry["accepted"] is True:
            assert list(entry) == ["accepted", "to", "apiMessageId"]
            assert MESSAGE_ID.fullmatch(entry["apiMessageId"])
            accepted.append(entry)
        else:
            assert list(entry) == ["accepted", "to", "apiMessageId", "error"]
            assert entry["accepted"] is False
            assert entry["apiMessageId"] == ""
            errors.append(int(check_error(entry["error"])))
    assert status == send_status(len(accepted), errors)
    assert [m["apimsgid"] for m in messages] == [e["apiMessageId"] for e in accepted]
    assert [m["to"] for m in messages] == [e["to"] for e in accepted]
    assert spent == sum((Decimal(m["charge"]) for m in messages), Decimal(0))
    assert all(m["api"] == "rest" for m in messages)


@COSTLY
@given(cst.rest_documents())
def test_any_body_is_answered_in_the_apis_json(body: bytes):
    check_reply(*post(body))


@COSTLY
@given(cst.rest_send_bodies(now=T0))
def test_a_valid_send_is_accepted_for_every_number_and_charged_its_parts(body: dict[str, Any]):
    status, parsed, spent, messages = post(json.dumps(body).encode())
    check_reply(status, parsed, spent, messages)
    assert status == 202
    assert [m["to"] for m in messages] == [str(number) for number in body["to"]]
    assert spent == sum(m["parts"] for m in messages)
    assert {m["text"] for m in messages} == {body["text"]}


@COSTLY
@given(cst.invalid_rest_send_bodies(now=T0))
def test_one_mistake_is_one_request_level_error(case: tuple[dict[str, Any], int]):
    body, code = case
    status, parsed, spent, messages = post(json.dumps(body).encode())
    check_reply(status, parsed, spent, messages)
    assert (status, parsed["error"]["code"]) == (400, f"{code:03d}")


@COSTLY
@given(
    st.lists(st.one_of(cst.msisdns(), cst.invalid_msisdns()), min_size=1, max_size=6),
    st.integers(0, 4),
)
def test_credit_runs_out_in_request_order(numbers: list[str], credit: int):
    fake = create_app(frozen(default_balance=Decimal(credit)))
    reply = fake.test_client().post(
        "/rest/message", json={"text": "x", "to": numbers}, headers=headers()
    )
    entries = reply.get_json()["data"]["message"]
    valid = [n for n in numbers if re.fullmatch(r"[1-9][0-9]{6,14}", n)]
    assert sum(e["accepted"] for e in entries) == min(len(valid), credit)
    codes = [e["error"]["code"] for e in entries if not e["accepted"]]
    assert codes.count("301") == max(0, len(valid) - credit)
    assert [e["to"] for e in entries] == numbers
    (account,) = runtime_of(fake).accounts()["accounts"]
    assert Decimal(account["balance"]) == credit - min(len(valid), credit)


_SEGMENTS = st.text(st.characters(codec="ascii", exclude_characters="/?#%"), max_size=8)


@COSTLY
@given(
    st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"]),
    st.lists(
        st.one_of(st.sampled_from(["message", "account", "balance", "coverage"]), _SEGMENTS),
        max_size=3,
    ),
    st.dictionaries(
        st.sampled_from(["Authorization", "X-Version", "Content-Type"]),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
    ),
    st.binary(max_size=30),
)
def test_any_request_under_rest_gets_the_apis_json(method, segments, sent, body):
    fake = app()
    runtime = runtime_of(fake)
    runtime.reset()
    path = "/rest/" + "/".join(segments)
    reply = fake.test_client().open(path, method=method, headers=sent, data=body)
    assert reply.headers["Content-Type"] == "application/json"
    if method != "HEAD":
        parsed = json.loads(reply.get_data())
        assert list(parsed) in (["data"], ["error"])
        if "error" in parsed:
            check_error(parsed["error"])
    assert reply.status_code in (200, 202, 207, 400, 401, 402, 404, 405, 410)
    assert runtime.errors == []
