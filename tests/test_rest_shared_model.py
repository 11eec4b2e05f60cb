"""One gateway, two protocols: accounts, credit, messages, callbacks and scenarios shared by
the HTTP and REST APIs; the scenario keys for REST; intercept mode and the log for /rest/."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import requests

from fake_clickatell import create_app, intercept
from fake_clickatell.app import runtime_of
from fake_clickatell.core.commands import Params
from fake_clickatell.core.gateway import Gateway
from fake_clickatell.core.push_payloads import callback_json
from fake_clickatell.core.request import ApiRequest
from fake_clickatell.scenario import ScenarioError, load_scenario_text, scenario_from_data

from .rest_support import (
    STRICT_REST,
    TOKEN,
    call,
    headers,
    ids,
    send,
    sent_one,
)
from .support import T0, Harness, MakeFake, Receiver, frozen

HTTP_AUTH = {"api_id": "3442105", "user": "demo", "password": "secret"}


@pytest.fixture
def both(make_fake: MakeFake) -> Harness:
    """An account reachable by HTTP credentials and by REST tokens."""
    return make_fake(STRICT_REST)


def test_sent_by_rest_queried_by_http_and_stopped_by_rest(both: Harness):
    apimsgid = sent_one(both, {"text": "hi", "to": ["27999000001"], "clientMessageId": "c-9"})
    assert both.call("querymsg", apimsgid=apimsgid, **HTTP_AUTH) == f"ID: {apimsgid} Status: 003"
    assert both.call("querymsg", climsgid="c-9", **HTTP_AUTH) == f"ID: {apimsgid} Status: 003"
    assert both.call("getmsgcharge", apimsgid=apimsgid, **HTTP_AUTH) == (
        f"apiMsgId: {apimsgid} charge: 1 status: 003"
    )
    both.advance(5)
    assert both.call("querymsg", apimsgid=apimsgid, **HTTP_AUTH) == f"ID: {apimsgid} Status: 004"
    assert call(both, "DELETE", f"/rest/message/{apimsgid}")[1] == (
        '{"data":{"messageStatus":"004","description":"Received by recipient",'
        f'"apiMessageId":"{apimsgid}"}}}}'
    )


def test_sent_by_http_read_and_stopped_by_rest(both: Harness):
    reply = both.call("sendmsg", to="27999000001", text="hi", deliv_time="10", **HTTP_AUTH)
    apimsgid = reply[4:]
    status, body = call(both, "GET", f"/rest/message/{apimsgid}")
    assert status == 200
    assert json.loads(body)["data"]["messageStatus"] == "011"
    assert json.loads(call(both, "DELETE", f"/rest/message/{apimsgid}")[1])["data"] == {
        "messageStatus": "006",
        "description": "User cancelled message delivery",
        "apiMessageId": apimsgid,
    }
    assert both.call("querymsg", apimsgid=apimsgid, **HTTP_AUTH) == f"ID: {apimsgid} Status: 006"


def test_the_balance_is_one_by_both_apis(both: Harness):
    assert both.call("getbalance", **HTTP_AUTH) == "Credit: 300.50"
    assert call(both, "GET", "/rest/account/balance")[1] == '{"data":{"balance":"300.50"}}'
    send(both, {"text": "x" * 200, "to": ["27999000001", "27999000002"]})  # 2 parts each
    both.call("sendmsg", to="27999000003", text="hi", **HTTP_AUTH)
    assert both.call("getbalance", **HTTP_AUTH) == "Credit: 295.50"
    assert call(both, "GET", "/rest/account/balance")[1] == '{"data":{"balance":"295.50"}}'
    assert [m["api"] for m in both.messages()] == ["rest", "rest", "http"]


def test_an_opted_out_number_is_refused_by_both_apis(make_fake: MakeFake):
    data = {
        "accounts": [
            {
                "api_id": "1",
                "user": "u",
                "password": "p",
                "rest_tokens": [TOKEN],
                "mo": {"numbers": ["27990000000"]},
            }
        ]
    }
    fake = make_fake(frozen(scenario_from_data(data)))
    fake.admin("mo", "POST", {"to": "27990000000", "from": "27999000001", "text": "STOP"})
    status, body = send(fake, {"text": "hi", "to": ["27999000001"]})
    assert (status, json.loads(body)["data"]["message"][0]["error"]["code"]) == (410, "122")
    assert fake.call("sendmsg", api_id="1", user="u", password="p", to="27999000001", text="x") == (
        "ERR: 122, Destination mobile opted out"
    )


def test_error_texts_of_the_scenario_apply_to_rest_too(make_fake: MakeFake):
    fake = make_fake(frozen(scenario_from_data({"error_texts": {105: "Bad number"}})))
    _, body = send(fake, {"text": "hi", "to": ["1"]})
    assert json.loads(body)["data"]["message"][0]["error"]["description"] == "Bad number"


def test_a_rest_message_pushes_its_statuses_to_the_accounts_callback_as_json(transport: str):
    with Receiver() as receiver:
        data = {
            "accounts": [
                {
                    "api_id": "12345",
                    "user": "u",
                    "password": "p",
                    "rest_tokens": [TOKEN],
                    "callback": {"url": f"{receiver.url}/cb", "format": "JSON_POST"},
                }
            ]
        }
        app = create_app(frozen(scenario_from_data(data)))
        client = app.test_client()
        body = {"text": "hi", "to": ["27999000001"], "callback": 7, "clientMessageId": "c-1"}
        reply = client.post("/rest/message", data=json.dumps(body), headers=headers())
        (apimsgid,) = ids(reply.get_data(as_text=True))
        client.post("/__admin/callbacks/flush")
        client.post("/__admin/clock", json={"advance": 5})
        client.post("/__admin/callbacks/flush")
    expected = [
        f'{{"data":{{"apiId":"12345","apiMessageId":"{apimsgid}","clientMessageId":"c-1",'
        f'"timestamp":{int(T0 + delay)},"to":"27999000001","from":"","charge":1,'
        f'"messageStatus":"{status}","description":"{text}"}}}}'
        for status, delay, text in (
            ("003", 0, "Delivered to gateway"),
            ("004", 5, "Received by recipient"),
        )
    ]
    assert [r.body.decode() for r in receiver.requests] == expected
    assert {r.headers["content-type"] for r in receiver.requests} == {"application/json"}
    assert {r.method for r in receiver.requests} == {"POST"}


def test_callback_json_charge_is_a_shortest_number():
    fields = [
        ("api_id", "1"),
        ("apiMsgId", "a"),
        ("cliMsgId", ""),
        ("timestamp", "5"),
        ("to", "2"),
        ("from", "é"),
        ("status", "004"),
        ("charge", "0.800000"),
    ]
    assert json.loads(callback_json(fields))["data"]["charge"] == 0.8
    assert '"from":"é"' in callback_json(fields)


# -- the scenario keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "accounts:\n  - {api_id: 1, user: u, password: p, rest_tokens: [a b]}\n",
            "b.yaml: accounts[0].rest_tokens[0]: expected a token of 1 to 1024 printable ASCII"
            " characters without spaces, got 'a b'",
        ),
        (
            "accounts:\n  - {api_id: 1, user: u, password: p, rest_tokens: t}\n",
            "b.yaml: accounts[0].rest_tokens: expected a list, got 't'",
        ),
        (
            "accounts:\n  - {api_id: 1, user: u, password: p, rest_tokens: [t]}\n"
            "  - {api_id: 2, user: u, password: p, rest_tokens: [t]}\n",
            "b.yaml: accounts[1].rest_tokens: a token another account (or this one) lists"
            " already: a token opens one account",
        ),
        (
            "rest: {require_x_version: maybe}\n",
            "b.yaml: rest.require_x_version: expected true or false, got 'maybe'",
        ),
        (
            "rest: {max_recipients: 0}\n",
            "b.yaml: rest.max_recipients: expected an integer >= 1, got 0",
        ),
        (
            "rest: {x_version: 1}\n",
            "b.yaml: rest.x_version: unknown key; expected one of require_x_version, max_recipients",
        ),
        (
            "rules:\n  - when: {api: soap}\n    then: {error: 901}\n",
            "b.yaml: rules[0].when.api: expected one of http, rest, platform, one, got 'soap'",
        ),
        (
            "rules:\n  - when: {method: FETCH}\n    then: {error: 901}\n",
            "b.yaml: rules[0].when.method: expected one of GET, POST, PUT, DELETE, HEAD, PATCH,"
            " OPTIONS, got 'FETCH'",
        ),
        (
            "rules:\n  - when: {path: rest/message}\n    then: {error: 901}\n",
            "b.yaml: rules[0].when.path: expected a path or a glob of one, such as /rest/message*,"
            " got 'rest/message'",
        ),
        (
            "mo: {url: 'http://127.0.0.1/mo', format: JSON_POST}\n",
            "b.yaml: mo.format: inbound messages are pushed in the HTTP, XML or SOAP formats"
            " (JSON_POST is for status callbacks)",
        ),
    ],
)
def test_broken_rest_keys_name_file_path_and_expectation(text: str, message: str):
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "b.yaml")
    assert str(info.value) == message


def test_the_rest_keys_load():
    scenario = load_scenario_text(
        "accounts:\n  - {api_id: 1, user: u, password: p, rest_tokens: [abc, 123]}\n"
        "rest: {require_x_version: false, max_recipients: 200}\n"
        "rules:\n  - when: {api: [rest], method: [POST, GET], path: /rest/*}\n"
        "    then: {error: 901}\n",
        "ok.yaml",
    )
    assert [c.key for c in scenario.accounts[0].credentials] == ["abc", "123"]
    assert (scenario.rest.require_x_version, scenario.rest.max_recipients) == (False, 200)
    when = scenario.rules[0].when
    assert (when.apis, when.methods, when.path) == (
        frozenset({"rest"}),
        frozenset({"POST", "GET"}),
        "/rest/*",
    )


# -- the gateway on its own, and the rules by method and path --------------------------------


def _rest(gateway: Gateway, method: str, path: str, body: Any = None) -> tuple[int, str]:
    data = b"" if body is None else json.dumps(body).encode()
    request = ApiRequest(
        command=path,
        params=Params(),
        method=method,
        path=path,
        api="rest",
        headers={"authorization": f"Bearer {TOKEN}", "x-version": "1"},
        body=data,
    )
    outcome = gateway.handle(request)
    return outcome.status, outcome.body


def test_rules_by_method_and_path_apply_to_http_requests_too():
    data = {
        "rules": [
            {
                "when": {"api": "http", "method": "POST", "path": "/http/getbalance"},
                "then": {"error": 7},
            }
        ]
    }
    app = create_app(frozen(scenario_from_data(data)))
    client = app.test_client()
    query = {"api_id": "1", "user": "u", "password": "p"}
    assert (
        client.get("/http/getbalance", query_string=query).get_data(as_text=True)
        == "Credit: 100.00"
    )
    assert (
        client.post("/http/getbalance", data=query).get_data(as_text=True)
        == "ERR: 007, IP Lockdown violation"
    )


def test_the_gateway_answers_rest_without_an_adapter():
    gateway = Gateway(frozen(), time_source=lambda: T0)
    status, body = _rest(gateway, "POST", "/rest/message", {"text": "hi", "to": ["27999000001"]})
    assert status == 202
    (apimsgid,) = ids(body)
    assert _rest(gateway, "GET", f"/rest/message/{apimsgid}")[0] == 200
    assert [entry.api for entry in gateway.journal.entries()] == ["rest", "rest"]


# -- intercept mode and the log --------------------------------------------------------------


def test_intercept_mode_answers_rest_requests_in_process():
    with intercept() as fake:
        reply = requests.post(
            "https://api.clickatell.com/rest/message",
            json={"text": "hi", "to": ["27999000001"]},
            headers={"Authorization": f"Bearer {TOKEN}", "X-Version": "1"},
            timeout=5,
        )
        assert reply.status_code == 202
        assert reply.headers["Content-Type"] == "application/json"
        balance = httpx.get(
            "https://api.clickatell.com/rest/account/balance",
            headers={"Authorization": f"Bearer {TOKEN}", "X-Version": "1"},
        )
        assert balance.text == '{"data":{"balance":"99.00"}}'
        (message,) = fake.messages
        assert (message.api, message.text) == ("rest", "hi")
        fake.assert_sent(to="27999000001", text="hi", api="rest")


def test_the_log_line_of_a_rest_request_shows_no_token():
    lines: list[str] = []
    app = create_app(frozen(), log=lines.append)
    client = app.test_client()
    client.post("/rest/message?to=1", data=b'{"text":"hi","to":["1"]}', headers=headers())
    client.get("/rest/account/balance", headers=headers("x" * 100))
    assert len(lines) == 2
    assert lines[0].startswith('127.0.0.1 "POST /rest/message?to=1" 400 {"data":{"message":')
    assert "[why: 1: " in lines[0]
    assert lines[1].endswith("[why: open mode takes a bearer token of at most 64 characters]")
    assert TOKEN not in "".join(lines)
    assert runtime_of(app).errors == []


def test_a_handle_reports_refused_rest_sends():
    with intercept() as fake:
        url = "https://api.clickatell.com/rest/message"
        sent = {"Authorization": f"Bearer {fake.rest_token}", "X-Version": "1"}
        requests.post(url, json={"text": "hi", "to": ["1"]}, headers=sent, timeout=5)
        requests.post(url, json={"text": "hi", "to": ["27999000001"]}, headers=sent, timeout=5)
        fake.assert_sent(to="27999000001", api="rest")
        with pytest.raises(AssertionError) as info:
            fake.assert_sent(to="27999000002")
        report = str(info.value)
        assert "refused: 1 sending request" in report
        assert "'1' is not an international number" in report
        assert fake.balance(token=fake.rest_token) == Decimal("99")
        assert fake.rest_url == "https://api.clickatell.com/rest"
        with pytest.raises(LookupError):
            fake.balance()  # the default HTTP account sent nothing: open mode never made it
