"""The legacy REST API, byte for byte: every endpoint, status and error, in-process and over a
real socket (each test runs both ways), with the client quirks the fake must take."""

from __future__ import annotations

import json
import re
import socket
from decimal import Decimal

import pytest

from fake_clickatell.core.accounts import open_key
from fake_clickatell.core.scenario_model import RestSettings
from fake_clickatell.scenario import scenario_from_data

from .rest_support import (
    MESSAGE_ID,
    STRICT_REST,
    TOKEN,
    accepted,
    call,
    envelope,
    error,
    headers,
    ids,
    rejected,
    send,
    sent_one,
)
from .support import T0, Harness, MakeFake, frozen

DATA_MALFORMED = error("100", "Data malformed")
INVALID_PARAMETERS = error("101", "Invalid or missing parameters")
AUTH_FAILED = error("001", "Authentication failed")


@pytest.fixture
def rest(make_fake: MakeFake) -> Harness:
    """A fake whose accounts have REST tokens (strict)."""
    return make_fake(STRICT_REST)


# -- send -------------------------------------------------------------------------------------


def test_a_send_to_one_number_is_accepted_202(rest: Harness):
    status, body = send(rest, {"text": "hello, world!", "to": ["27999112345"]})
    (apimsgid,) = ids(body)
    assert (status, body) == (202, envelope(accepted("27999112345", apimsgid)))
    assert MESSAGE_ID.fullmatch(apimsgid)
    (message,) = rest.messages()
    assert (message["apimsgid"], message["api"], message["text"]) == (
        apimsgid,
        "rest",
        "hello, world!",
    )
    assert (message["api_id"], message["user"], message["charge"]) == ("3442105", "demo", "1")


def test_some_accepted_is_207_with_the_refused_entry_as_sent(rest: Harness):
    status, body = send(rest, {"text": "hi", "to": ["27999000001", "333"]})
    first, _ = ids(body)
    assert status == 207
    assert body == envelope(
        accepted("27999000001", first),
        rejected("333", "105", "Invalid Destination Address"),
    )


def test_none_accepted_is_400_for_invalid_numbers(rest: Harness):
    assert send(rest, {"text": "hi", "to": ["333"]}) == (
        400,
        envelope(rejected("333", "105", "Invalid Destination Address")),
    )


def test_none_accepted_for_credit_is_402(make_fake: MakeFake):
    fake = make_fake(frozen(scenario_from_data({"default_balance": "0.5"})))
    assert send(fake, {"text": "hi", "to": ["27999000001", "27999000002"]}) == (
        402,
        envelope(*[rejected(n, "301", "No credit left") for n in ("27999000001", "27999000002")]),
    )


def test_none_accepted_for_blocked_or_unroutable_numbers_is_410(make_fake: MakeFake):
    scenario = scenario_from_data(
        {
            "routes": [{"prefix": "27", "charge": 1}],
            "recipients": [{"number": "27999000009", "error": 121}],
        }
    )
    fake = make_fake(frozen(scenario))
    assert send(fake, {"text": "hi", "to": ["27999000009", "447700900123"]}) == (
        410,
        envelope(
            rejected("27999000009", "121", "Destination mobile number blocked"),
            rejected("447700900123", "114", "Cannot route message"),
        ),
    )
    # Mixed kinds of errors with none accepted: 400.
    status, _ = send(fake, {"text": "hi", "to": ["27999000009", "1"]})
    assert status == 400


def test_an_accepted_entry_echoes_the_number_a_refused_one_as_received(make_fake: MakeFake):
    data = {"accounts": [{"api_id": "1", "user": "u", "password": "p", "dial_prefix": "27",
                          "rest_tokens": [TOKEN]}]}  # fmt: skip
    fake = make_fake(frozen(scenario_from_data(data)))
    status, body = send(fake, {"text": "hi", "to": ["0999000001", "+27999000002", 27999000003]})
    first, _, third = ids(body)
    assert (status, body) == (
        207,
        envelope(
            accepted("27999000001", first),
            rejected("+27999000002", "105", "Invalid Destination Address"),
            accepted("27999000003", third),
        ),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"text": "hi"}, INVALID_PARAMETERS),
        ({"text": "hi", "to": "27999000001"}, INVALID_PARAMETERS),
        ({"text": "hi", "to": []}, INVALID_PARAMETERS),
        ({"text": "hi", "to": None}, INVALID_PARAMETERS),
        ({"to": ["27999000001"]}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": None}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": 5}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": ""}, error("107", "Empty message")),
        (
            {"to": ["27999000001"], "text": "x" * 460},
            error("113", "Maximum message parts exceeded"),
        ),
        (
            {"to": ["27999000001"], "text": "x" * 161, "maxMessageParts": 1},
            error("113", "Maximum message parts exceeded"),
        ),
        ({"to": ["27999000001"], "text": "hi", "maxMessageParts": 0}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "maxMessageParts": 1.5}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "callback": 8}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "callback": True}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "mo": "yes"}, INVALID_PARAMETERS),
        (
            {"to": ["27999000001"], "text": "hi", "from": "+27"},
            error("106", "Invalid source address"),
        ),
        ({"to": ["27999000001"], "text": "hi", "from": ["x"]}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "clientMessageId": "a b"}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "maxCredits": "x"}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "maxCredits": {}}, INVALID_PARAMETERS),
        (
            {"to": ["27999000001"], "text": "hi", "scheduledDeliveryTime": "tomorrow"},
            error("120", "Invalid delivery time"),
        ),
        (
            {"to": ["27999000001"], "text": "hi", "scheduledDeliveryTime": int(T0) + 8 * 86400},
            error("120", "Invalid delivery time"),
        ),
        (
            {"to": ["27999000001"], "text": "hi", "scheduledDeliveryTime": "2027-01-15T08:00:00"},
            error("120", "Invalid delivery time"),
        ),
        ({"to": ["27999000001"], "text": "zz", "binary": 1}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "userDataHeader": "0500"}, INVALID_PARAMETERS),
        (
            {"to": ["27999000001"], "text": "00", "binary": True, "userDataHeader": "05"},
            error("102", "Invalid user data header"),
        ),
        ({"to": ["27999000001"], "text": "hi", "validityPeriod": 1441}, INVALID_PARAMETERS),
        ({"to": ["27999000001"], "text": "hi", "userPriorityQueue": 4}, INVALID_PARAMETERS),
    ],
)
def test_request_level_errors_are_400_with_no_data(rest: Harness, body: object, expected: str):
    assert send(rest, body) == (400, expected)
    assert rest.messages() == []
    (entry,) = rest.admin("requests")["requests"]
    assert entry["reason"]  # every refusal says why


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text":',
        b"<message><text>hi</text></message>",
        b"[1, 2]",
        b'"text"',
        b"\xff\xfe{}",
        b'{"text": NaN, "to": ["27999000001"]}',
        b'{"text": "\\ud800", "to": ["27999000001"]}',
        b"[" * 100_000,
        b'{"to": [' + b"9" * 5000 + b"]}",
    ],
)
def test_a_body_that_is_no_json_object_is_data_malformed(rest: Harness, raw: bytes):
    assert send(rest, raw) == (400, DATA_MALFORMED)
    (entry,) = rest.admin("requests")["requests"]
    assert entry["reason"].startswith("the body is ")


def test_too_many_recipients_is_101_and_the_limit_is_the_scenarios(make_fake: MakeFake):
    fake = make_fake(frozen(rest=RestSettings(max_recipients=2)))
    numbers = [f"2799900000{n}" for n in range(3)]
    assert send(fake, {"text": "hi", "to": numbers}) == (400, INVALID_PARAMETERS)
    status, _ = send(fake, {"text": "hi", "to": numbers[:2]})
    assert status == 202


def test_the_default_limit_is_600(make_fake: MakeFake):
    fake = make_fake(frozen(default_balance=Decimal(1000)))
    numbers = [f"27999{n:06d}" for n in range(601)]
    assert send(fake, {"text": "hi", "to": numbers}) == (400, INVALID_PARAMETERS)
    status, _ = send(fake, {"text": "hi", "to": numbers[:600]})
    assert status == 202


def test_send_options_reach_the_message(rest: Harness):
    body = {
        "text": "日本",
        "to": ["27999000001"],
        "from": "ACME",
        "clientMessageId": "c-1",
        "callback": 7,
        "mo": 1,
        "escalate": "true",
        "maxCredits": 5,
        "userPriorityQueue": "1",
        "validityPeriod": 60,
        "maxMessageParts": "2",
        "type": "ignored",
    }
    apimsgid = sent_one(rest, body)
    (message,) = rest.messages()
    assert message["apimsgid"] == apimsgid
    assert (message["from"], message["climsgid"], message["coding"]) == ("ACME", "c-1", "ucs2")
    options = message["options"]
    assert (options["callback"], options["mo"], options["escalate"]) == (7, True, True)
    assert (options["queue"], options["validity"], options["concat"]) == (1, 60, 2)
    assert options["max_credits"] == "5"


def test_scheduled_delivery_in_iso_with_an_offset_waits_at_011(rest: Harness):
    sent_one(
        rest,
        {"text": "hi", "to": ["27999000001"], "scheduledDeliveryTime": "2027-01-15T12:00:00+0200"},
    )
    sent_one(rest, {"text": "hi", "to": ["27999000001"], "scheduledDeliveryTime": int(T0) + 60})
    first, second = rest.messages()
    assert first["status"] == "011"
    assert second["status"] == "011"
    assert second["release_at"] == T0 + 60


def test_binary_messages_take_hex_and_a_user_data_header(rest: Harness):
    sent_one(
        rest,
        {"text": "C0FFEE", "to": ["27999000001"], "binary": "1", "userDataHeader": "0500030a0201"},
    )
    (message,) = rest.messages()
    assert (message["coding"], message["data"], message["udh"]) == (
        "8bit",
        "c0ffee",
        "0500030a0201",
    )


# -- the client quirks ------------------------------------------------------------------------


def test_flags_and_numbers_as_strings_and_to_as_integers(rest: Harness):
    body = {"text": "hi", "to": [27999000001, "27999000002"], "callback": "7", "mo": "1",
            "unicode": "false", "escalate": False}  # fmt: skip
    status, reply = send(rest, body)
    first, second = ids(reply)
    assert (status, reply) == (
        202,
        envelope(accepted("27999000001", first), accepted("27999000002", second)),
    )
    assert [m["options"]["callback"] for m in rest.messages()] == [7, 7]


def test_pypi_clickatell_doubles_every_field_in_the_query_and_the_body_wins(rest: Harness):
    query = "to=27999000009&text=Hello+world&callback=7&mo=1"
    status, reply = call(
        rest,
        "POST",
        f"/rest/message?{query}",
        {"to": ["27999000001"], "text": "Hello world", "callback": 0},
    )
    (apimsgid,) = ids(reply)
    assert (status, reply) == (202, envelope(accepted("27999000001", apimsgid)))
    (message,) = rest.messages()
    assert (message["to"], message["options"]["callback"], message["options"]["mo"]) == (
        "27999000001",
        0,
        True,
    )


def test_fields_may_come_from_the_query_alone(rest: Harness):
    status, reply = call(
        rest, "POST", "/rest/message?to=27999000001,27999000002&to=27999000003&text=hi"
    )
    assert status == 202
    assert [m["to"] for m in rest.messages()] == ["27999000001", "27999000002", "27999000003"]
    assert len(ids(reply)) == 3


def test_dhis2_puts_max_message_parts_in_the_query(rest: Harness):
    status, _ = call(
        rest, "POST", "/rest/message?maxMessageParts=4", {"text": "x" * 600, "to": ["27999000001"]}
    )
    assert status == 202
    assert rest.messages()[0]["parts"] == 4


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_the_body_is_json_whatever_the_content_type(rest: Harness, content_type: str | None):
    sent = headers()
    del sent["Content-Type"]
    if content_type is not None:
        sent["Content-Type"] = content_type
    status, _ = send(rest, {"text": "hi", "to": ["27999000001"]}, sent)
    assert status == 202


def test_bodies_on_get_and_delete_are_ignored(rest: Harness):
    apimsgid = sent_one(rest)
    assert call(rest, "GET", "/rest/account/balance", b"{}")[0] == 200
    assert call(rest, "GET", f"/rest/message/{apimsgid}", b"not json")[0] == 200
    assert call(rest, "DELETE", f"/rest/message/{apimsgid}", b"{}")[0] == 200


def test_the_bearer_scheme_is_case_insensitive_and_a_trailing_slash_is_ignored(rest: Harness):
    sent = headers(None, Authorization=f"bearer {TOKEN}")
    assert call(rest, "GET", "/rest/account/balance/", None, sent) == (
        200,
        '{"data":{"balance":"300.50"}}',
    )


# -- authentication and X-Version ---------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", f"Basic {TOKEN}", TOKEN, "Bearer nope", f"Bearer {TOKEN}x"],
)
def test_a_missing_or_unknown_token_is_401(rest: Harness, authorization: str | None):
    sent = headers(None)
    if authorization is not None:
        sent["Authorization"] = authorization
    assert call(rest, "GET", "/rest/account/balance", None, sent) == (401, AUTH_FAILED)
    (entry,) = rest.admin("requests")["requests"]
    assert entry["reason"]
    assert TOKEN not in entry["reason"]


def test_a_frozen_account_is_401_001_and_ip_lockdown_401_007(rest: Harness):
    assert call(rest, "GET", "/rest/account/balance", None, headers("frozen")) == (401, AUTH_FAILED)
    assert call(rest, "GET", "/rest/account/balance", None, headers("locked")) == (
        401,
        error("007", "IP lockdown violation"),
    )
    reasons = [entry["reason"] for entry in rest.admin("requests")["requests"]]
    assert reasons == [
        "the account is frozen",
        "client 127.0.0.1 is not in the account's allowed_ips",
    ]


@pytest.mark.parametrize("version", [None, "2", "", "1.0", "one"])
def test_x_version_must_be_1(rest: Harness, version: str | None):
    sent = headers()
    del sent["X-Version"]
    if version is not None:
        sent["X-Version"] = version
    assert send(rest, {"text": "hi", "to": ["27999000001"]}, sent) == (400, INVALID_PARAMETERS)
    (entry,) = rest.admin("requests")["requests"]
    assert entry["reason"].startswith("X-Version: ")


def test_a_scenario_may_let_a_missing_x_version_go(make_fake: MakeFake):
    fake = make_fake(frozen(scenario_from_data({"rest": {"require_x_version": False}})))
    sent = headers()
    del sent["X-Version"]
    assert send(fake, {"text": "hi", "to": ["27999000001"]}, sent)[0] == 202


def test_in_open_mode_every_token_is_an_account_of_its_own(fake: Harness):
    for token in ("a", "b", "a"):
        assert send(fake, {"text": "hi", "to": ["27999000001"]}, headers(token))[0] == 202
    accounts = fake.admin("accounts")["accounts"]
    assert [(a["user"], a["balance"]) for a in accounts] == [("token", "98"), ("token", "99")]
    assert [a["api_id"] for a in accounts] == [open_key("rest", "a")[0], open_key("rest", "b")[0]]
    assert re.fullmatch(r"rest-[0-9a-f]{12}", accounts[0]["api_id"])
    too_long = "t" * 65
    assert call(fake, "GET", "/rest/account/balance", None, headers(too_long)) == (401, AUTH_FAILED)


# -- status, stop, balance, coverage -------------------------------------------------------------


def test_the_status_of_a_message_with_its_charge(rest: Harness):
    apimsgid = sent_one(rest, {"text": "hi", "to": ["27999000001"], "clientMessageId": "ref-1"})
    path = f"/rest/message/{apimsgid}"
    assert call(rest, "GET", path) == (
        200,
        '{"data":{"charge":1,"messageStatus":"003","description":"Delivered to gateway",'
        f'"apiMessageId":"{apimsgid}","clientMessageId":"ref-1"}}}}',
    )
    rest.advance(5)
    assert call(rest, "GET", path.upper().replace("/REST/MESSAGE/", "/rest/message/"))[1] == (
        '{"data":{"charge":1,"messageStatus":"004","description":"Received by recipient",'
        f'"apiMessageId":"{apimsgid}","clientMessageId":"ref-1"}}}}'
    )


def test_the_status_by_client_message_id_is_the_newest(rest: Harness):
    sent_one(rest, {"text": "hi", "to": ["27999000001"], "clientMessageId": "ref"})
    newest = sent_one(rest, {"text": "hi", "to": ["27999000002"], "clientMessageId": "ref"})
    status, body = call(rest, "GET", "/rest/message?clientMessageId=ref")
    assert status == 200
    assert json.loads(body)["data"]["apiMessageId"] == newest
    without = sent_one(rest)
    assert '"clientMessageId"' not in call(rest, "GET", f"/rest/message/{without}")[1]


def test_unknown_messages_are_404(rest: Harness):
    assert call(rest, "GET", "/rest/message/" + "0" * 32) == (
        404,
        error("103", "Unknown API message ID"),
    )
    assert call(rest, "DELETE", "/rest/message/nope") == (
        404,
        error("103", "Unknown API message ID"),
    )
    assert call(rest, "GET", "/rest/message?clientMessageId=nope") == (
        404,
        error("104", "Unknown client message ID"),
    )
    assert call(rest, "GET", "/rest/message") == (400, error("109", "Missing message ID"))
    # Another account's message is unknown to this one.
    apimsgid = sent_one(rest)
    assert call(rest, "GET", f"/rest/message/{apimsgid}", None, headers("T2"))[0] == 404


def test_stop_cancels_a_scheduled_message_and_refunds_it(rest: Harness):
    apimsgid = sent_one(
        rest, {"text": "hi", "to": ["27999000001"], "scheduledDeliveryTime": int(T0) + 600}
    )
    assert call(rest, "GET", "/rest/account/balance")[1] == '{"data":{"balance":"299.50"}}'
    assert call(rest, "DELETE", f"/rest/message/{apimsgid}") == (
        200,
        '{"data":{"messageStatus":"006","description":"User cancelled message delivery",'
        f'"apiMessageId":"{apimsgid}"}}}}',
    )
    assert call(rest, "GET", "/rest/account/balance")[1] == '{"data":{"balance":"300.50"}}'
    assert json.loads(call(rest, "GET", f"/rest/message/{apimsgid}")[1])["data"]["charge"] == 0


def test_stop_on_a_delivered_message_answers_its_status_unchanged(rest: Harness):
    apimsgid = sent_one(rest)
    rest.advance(5)
    assert call(rest, "DELETE", f"/rest/message/{apimsgid}") == (
        200,
        '{"data":{"messageStatus":"004","description":"Received by recipient",'
        f'"apiMessageId":"{apimsgid}"}}}}',
    )


def test_coverage(make_fake: MakeFake):
    scenario = scenario_from_data({"routes": [{"prefix": "27", "charge": "0.8"}]})
    fake = make_fake(frozen(scenario))
    assert call(fake, "GET", "/rest/coverage/27999123456") == (
        200,
        '{"data":{"routable":true,"destination":"27999123456","minimumCharge":0.8}}',
    )
    assert call(fake, "GET", "/rest/coverage/447700900123") == (
        200,
        '{"data":{"routable":false,"destination":"447700900123","minimumCharge":0}}',
    )
    for bad in ("27999abc", "+27999123456", "123"):
        assert call(fake, "GET", f"/rest/coverage/{bad}") == (
            400,
            error("105", "Invalid Destination Address"),
        )


# -- paths and methods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/rest/messages", 404),
        ("GET", "/rest/", 404),
        ("GET", "/rest", 404),
        ("GET", "/rest/message/a/b", 404),
        ("GET", "/rest/account", 404),
        ("PUT", "/rest/message", 405),
        ("DELETE", "/rest/message", 405),
        ("POST", "/rest/message/abc", 405),
        ("POST", "/rest/account/balance", 405),
        ("DELETE", "/rest/coverage/27999000001", 405),
    ],
)
def test_unknown_paths_are_404_and_wrong_methods_405(
    rest: Harness, method: str, path: str, status: int
):
    assert call(rest, method, path, b"{}") == (status, INVALID_PARAMETERS)
    (entry,) = rest.admin("requests")["requests"]
    assert entry["api"] == "rest"
    assert entry["reason"]


# -- rules, faults, failures ------------------------------------------------------------------


def test_a_quota_answers_429_130_and_an_internal_error_503_901(make_fake: MakeFake):
    data = {
        "rules": [
            {"name": "down", "when": {"api": "rest", "path": "/rest/account/*"}, "then": {"error": 901}, "times": 1},
            {"name": "limit", "when": {"api": "rest", "method": "POST"}, "then": {"quota": {"calls": 1, "window": 60}}},
        ]
    }  # fmt: skip
    fake = make_fake(frozen(scenario_from_data(data)))
    assert call(fake, "GET", "/rest/account/balance") == (503, error("901", "Internal error"))
    assert call(fake, "GET", "/rest/account/balance")[0] == 200
    assert send(fake, {"text": "hi", "to": ["27999000001"]})[0] == 202
    until = int(T0) + 60
    assert send(fake, {"text": "hi", "to": ["27999000001"]}) == (
        429,
        error("130", f"Maximum MT limit exceeded until {until}"),
    )
    # The HTTP API is not limited by a rule for the REST API.
    assert fake.call(
        "sendmsg", api_id="1", user="u", password="p", to="27999000001", text="x"
    ).startswith("ID: ")


def test_rules_match_rest_fields_and_recipients(make_fake: MakeFake):
    data = {
        "rules": [
            {"when": {"command": "sendmsg", "params": {"clientMessageId": "fail-*"}}, "then": {"error": 301}},
            {"when": {"command": "sendmsg", "recipient": "27999000009"}, "then": {"recipient_error": 122}},
        ]
    }  # fmt: skip
    fake = make_fake(frozen(scenario_from_data(data)))
    assert send(fake, {"text": "hi", "to": ["27999000001"], "clientMessageId": "fail-1"}) == (
        402,
        error("301", "No credit left"),
    )
    status, body = send(fake, {"text": "hi", "to": ["27999000001", 27999000009]})
    (first, _) = ids(body)
    assert (status, body) == (
        207,
        envelope(
            accepted("27999000001", first),
            rejected("27999000009", "122", "Destination mobile opted out"),
        ),
    )


def test_a_truncate_fault_sends_half_the_rest_reply_over_a_socket(
    make_fake: MakeFake, transport: str
):
    data = {"rules": [{"when": {"api": "rest"}, "then": {"fault": "truncate"}}]}
    fake = make_fake(frozen(scenario_from_data(data)))
    if transport == "wsgi":
        from fake_clickatell.app import TransportFault

        with pytest.raises(TransportFault):
            fake.raw("GET", "/rest/account/balance", None, headers())
        return
    import http.client

    with pytest.raises(http.client.IncompleteRead):
        fake.raw("GET", "/rest/account/balance", None, headers())


def test_a_bug_in_the_fake_answers_503_901_and_is_kept(
    rest: Harness, monkeypatch: pytest.MonkeyPatch
):
    from fake_clickatell.core.rest import handlers

    def broken(*args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(handlers, "_account", broken)
    assert call(rest, "GET", "/rest/account/balance") == (503, error("901", "Internal error"))
    (failure,) = rest.admin("errors")["errors"]
    assert "boom" in failure["error"]
    (entry,) = rest.admin("requests")["requests"]
    assert (entry["api"], entry["status"]) == ("rest", 503)
    rest.app.extensions["fake_clickatell"].reset()


def test_an_oversized_body_is_400_101_unread(rest: Harness):
    if rest.server is None:
        body = b'{"text":"' + b"x" * (1024 * 1024 + 1) + b'"}'
        assert send(rest, body) == (400, INVALID_PARAMETERS)
    else:  # only the head: the server answers without reading the body, and closes
        head = (
            f"POST /rest/message HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"X-Version: 1\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", rest.server.port), timeout=10) as conn:
            conn.sendall(head.encode())
            reply = b""
            while chunk := conn.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert reply.endswith(b"\r\n\r\n" + INVALID_PARAMETERS.encode())
    (entry,) = rest.admin("requests")["requests"]
    assert entry["reason"] == "the body is over 1 MiB: not read"


# -- the journal -------------------------------------------------------------------------------


def test_the_journal_shows_the_api_the_fields_and_never_the_token(rest: Harness):
    send(
        rest,
        {"text": "hi", "to": ["27999000001", 27999000002], "callback": 7, "mo": True},
        headers(),
    )
    (entry,) = rest.admin("requests")["requests"]
    assert (entry["api"], entry["command"], entry["method"], entry["status"]) == (
        "rest",
        "sendmsg",
        "POST",
        202,
    )
    assert entry["params"] == {
        "text": "hi",
        "to": "27999000001,27999000002",
        "callback": "7",
        "mo": "true",
    }
    assert TOKEN not in json.dumps(rest.admin("requests"))
    assert rest.admin("requests?api=rest")["requests"] == [entry]
    assert rest.admin("requests?api=http")["requests"] == []
    assert len(rest.admin("messages?api=rest")["messages"]) == 2
    assert rest.admin("messages?api=http")["messages"] == []


def test_strict_mode_names_the_account_of_a_token(rest: Harness):
    sent_one(rest, {"text": "hi", "to": ["27999000001"]})
    send(rest, {"text": "hi", "to": ["27999000001"]}, headers("second-token"))
    assert [m["api_id"] for m in rest.messages()] == ["3442105", "3442105"]
    balance = [a["balance"] for a in rest.admin("accounts")["accounts"] if a["user"] == "demo"]
    assert balance == ["298.5"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("maxMessageParts", 40, "maxMessageParts: expected a whole number from 1 to 35, got '40'"),
        ("clientMessageId", "a b", "clientMessageId: 'a b' is not 1-32 printable characters"),
        ("validityPeriod", "x", "validityPeriod: expected a whole number from 1 to 1440, got 'x'"),
        ("scheduledDeliveryTime", "x", "scheduledDeliveryTime: expected unix seconds or an ISO"),
        ("mo", 2, "mo: expected true, false, 0 or 1 (or one of them as a string), got 2"),
    ],
)
def test_reasons_name_the_rest_field(rest: Harness, field: str, value: object, reason: str):
    send(rest, {"text": "hi", "to": ["27999000001"], field: value})
    (entry,) = rest.admin("requests")["requests"]
    assert entry["reason"].startswith(reason)


def test_symfony_sends_an_empty_from_and_wants_exactly_202(rest: Harness):
    status, body = send(rest, {"text": "hi", "to": ["27999000001"], "from": ""})
    assert status == 202
    assert json.loads(body)["data"]["message"][0]["apiMessageId"] == rest.messages()[0]["apimsgid"]
    assert rest.messages()[0]["from"] is None


def test_a_path_outside_every_api_names_the_rest_prefix_too(rest: Harness):
    status, body, _ = rest.raw("GET", "/message")
    assert status == 404
    assert b"/rest/" in body
