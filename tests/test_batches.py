"""The batch commands under /http_batch/: byte-exact replies, templates, expiry, 201/202."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fake_clickatell import load_scenario_text

from .support import Harness, MakeFake, frozen

CREDS = {"api_id": "1", "user": "u", "password": "p"}
ID = re.compile(r"[0-9a-f]{32}")


def batch(fake: Harness, command: str, method: str = "GET", **params: Any) -> str:
    """Call /http_batch/<command> with form-encoded params; returns the body."""
    from urllib.parse import urlencode

    query = urlencode({**CREDS, **params})
    if method == "GET":
        status, body, _ = fake.raw("GET", f"/http_batch/{command}?{query}")
    else:
        status, body, _ = fake.raw(
            "POST",
            f"/http_batch/{command}",
            query.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert status == 200
    return body.decode()


def start(fake: Harness, **params: str) -> str:
    body = batch(fake, "startbatch", **params)
    assert body.startswith("ID: "), body
    assert ID.fullmatch(body[4:]), body
    return body[4:]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_startbatch_senditem_endbatch(fake: Harness, method: str):
    batch_id = start(fake, template="Hi #field1#, your code is #code#", **{"from": "ACME"})
    body = batch(
        fake, "senditem", method, batch_id=batch_id, to="27999000001", field1="Joe", code="42"
    )
    message = fake.messages()[-1]
    assert body == f"ID: {message['apimsgid']}"
    assert message["text"] == "Hi Joe, your code is 42"
    assert message["from"] == "ACME"
    assert batch(fake, "endbatch", method, batch_id=batch_id) == "OK"
    assert (
        batch(fake, "senditem", method, batch_id=batch_id, to="27999000001")
        == "ERR: 201, Invalid batch ID"
    )


def test_php_paths(fake: Harness):
    status, body, _ = fake.raw(
        "GET", "/http_batch/startbatch.php?api_id=1&user=u&password=p&template=x"
    )
    assert (status, body[:4]) == (200, b"ID: ")


def test_quicksend_sends_the_template_unchanged_one_line_per_number(fake: Harness):
    batch_id = start(fake, template="Sale #field1#")
    body = batch(fake, "quicksend", batch_id=batch_id, to="27999000001,123,27999000002")
    ids = [m["apimsgid"] for m in fake.messages()]
    assert body == (
        f"ID: {ids[0]} To: 27999000001\n"
        "ERR: 105, Invalid destination address To: 123\n"
        f"ID: {ids[1]} To: 27999000002"
    )
    assert {m["text"] for m in fake.messages()} == {"Sale #field1#"}
    # even one number gets its To: suffix: quicksend always answers per destination
    assert batch(fake, "quicksend", batch_id=batch_id, to="27999000003") == (
        f"ID: {fake.messages()[-1]['apimsgid']} To: 27999000003"
    )


@pytest.mark.parametrize(
    ("command", "params", "expected"),
    [
        ("startbatch", {}, "ERR: 202, No batch template"),
        ("startbatch", {"template": ""}, "ERR: 202, No batch template"),
        (
            "startbatch",
            {"template": "x", "callback": "9"},
            "ERR: 101, Invalid or missing parameters",
        ),
        ("startbatch", {"template": "x", "from": "!"}, "ERR: 106, Invalid source address"),
        ("startbatch", {"template": "zz", "unicode": "1"}, "ERR: 116, Invalid Unicode data"),
        (
            "startbatch",
            {"template": "x" * 200, "concat": "1"},
            "ERR: 113, Maximum message parts exceeded",
        ),
        ("senditem", {"to": "27999000001"}, "ERR: 201, Invalid batch ID"),
        ("senditem", {"batch_id": "f" * 32, "to": "27999000001"}, "ERR: 201, Invalid batch ID"),
        ("quicksend", {"batch_id": "nope", "to": "27999000001"}, "ERR: 201, Invalid batch ID"),
        ("endbatch", {"batch_id": "nope"}, "ERR: 201, Invalid batch ID"),
        ("endbatch", {}, "ERR: 201, Invalid batch ID"),
    ],
)
def test_batch_errors(fake: Harness, command: str, params: dict[str, str], expected: str):
    assert batch(fake, command, **params) == expected


def test_item_errors_are_request_level(fake: Harness):
    batch_id = start(fake, template="#field1#", concat="1")
    assert batch(fake, "senditem", batch_id=batch_id, to="27999000001,27999000002", field1="x") == (
        "ERR: 101, Invalid or missing parameters"
    )
    assert (
        batch(fake, "senditem", batch_id=batch_id, to="27999000001", field1="")
        == "ERR: 107, Empty message"
    )
    assert batch(fake, "senditem", batch_id=batch_id, to="27999000001", field1="x" * 161) == (
        "ERR: 113, Maximum message parts exceeded"
    )
    assert (
        batch(fake, "senditem", batch_id=batch_id, to="123", field1="x")
        == "ERR: 105, Invalid destination address"
    )
    assert fake.messages() == []


def test_senditem_climsgid(fake: Harness):
    batch_id = start(fake, template="hello")
    batch(fake, "senditem", batch_id=batch_id, to="27999000001", climsgid="item-1")
    apimsgid = fake.messages()[-1]["apimsgid"]
    assert fake.call("querymsg", climsgid="item-1", **CREDS) == f"ID: {apimsgid} Status: 003"


def test_unicode_batches_do_not_substitute(fake: Harness):
    template = "#field1#".encode("utf-16-be").hex()
    batch_id = start(fake, template=template, unicode="1")
    batch(fake, "senditem", batch_id=batch_id, to="27999000001", field1="Joe")
    assert fake.messages()[-1]["text"] == "#field1#"
    assert fake.messages()[-1]["unicode"] is True


def test_batches_expire_after_24_hours(fake: Harness):
    batch_id = start(fake, template="x")
    fake.advance(24 * 3600 - 1)
    assert batch(fake, "senditem", batch_id=batch_id, to="27999000001").startswith("ID: ")
    fake.advance(1)
    assert (
        batch(fake, "senditem", batch_id=batch_id, to="27999000001") == "ERR: 201, Invalid batch ID"
    )


def test_another_accounts_batch_is_invalid(fake: Harness):
    batch_id = start(fake, template="x")
    other = batch(fake, "senditem", batch_id=batch_id, to="27999000001", api_id="2")
    assert other == "ERR: 201, Invalid batch ID"


def test_batch_commands_authenticate(fake: Harness):
    from urllib.parse import urlencode

    for command in ("startbatch", "senditem", "quicksend", "endbatch"):
        _, body, _ = fake.raw("GET", f"/http_batch/{command}?" + urlencode({"template": "x"}))
        assert body == b"ERR: 005, Missing session ID"
    session = fake.auth()
    _, body, _ = fake.raw("GET", f"/http_batch/startbatch?session_id={session}&template=x")
    assert body.startswith(b"ID: ")


def test_batch_charges_and_lifecycle_like_sendmsg(make_fake: MakeFake):
    fake = make_fake(frozen(load_scenario_text("routes: [{prefix: '27', charge: 0.5}]", "b.yaml")))
    batch_id = start(fake, template="x" * 200)
    assert batch(fake, "quicksend", batch_id=batch_id, to="27999000001,44123456789").endswith(
        "ERR: 114, Cannot route message To: 44123456789"
    )
    assert fake.messages()[0]["charge"] == "1"  # 2 parts x 0.5
    fake.advance(5)
    assert fake.messages()[0]["status"] == "004"


@pytest.mark.parametrize(
    ("template", "fields", "text"),
    [
        ("#a# #b#", {"a": "#b#", "b": "x"}, "#b# x"),  # a value is never filled in again
        ("#x#y#", {"x": "1#", "y": "2"}, "1#y#"),
        ("Hi #name#, #missing#!", {"name": "Joe"}, "Hi Joe, #missing#!"),
        ("#to# #batch_id# #field1#", {"field1": "v"}, "#to# #batch_id# v"),  # not fields
    ],
)
def test_fields_are_filled_in_one_pass(
    fake: Harness, template: str, fields: dict[str, str], text: str
):
    batch_id = start(fake, template=template)
    assert batch(fake, "senditem", batch_id=batch_id, to="27999000001", **fields).startswith("ID: ")
    assert fake.messages()[-1]["text"] == text
