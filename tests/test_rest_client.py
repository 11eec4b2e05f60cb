"""The REST reference client against the fake: sync and async, in-process and over a socket,
the same results and exceptions as the HTTP client, and Hypothesis-drawn sends."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_clickatell import AsyncRestClient, FakeServer, RestClient, create_app
from fake_clickatell import strategies as cst
from fake_clickatell.client import (
    AuthenticationError,
    Charge,
    CreditError,
    InternalError,
    ParameterError,
    ParseError,
    Rejected,
    RouteCoverage,
    Sent,
    Status,
    TransportError,
)
from fake_clickatell.client.rest_calls import (
    RestCall,
    data_of,
    message_call,
    parse_send,
    send_call,
)
from fake_clickatell.scenario import scenario_from_data

from .client_support import examples
from .rest_support import MESSAGE_ID, STRICT_REST, TOKEN
from .support import T0, frozen

BASE = "http://fake.test"


def in_process(scenario=None, token: str = TOKEN) -> RestClient:
    app = create_app(scenario if scenario is not None else frozen())
    return RestClient(BASE, token=token, transport=httpx.WSGITransport(app=app))


def test_every_command_in_process():
    with in_process(STRICT_REST) as client:
        sent, rejected = client.send(["27999000001", "333"], "Hello", client_message_id="c-1")
        assert isinstance(sent, Sent)
        assert MESSAGE_ID.fullmatch(sent.apimsgid)
        assert sent.to == "27999000001"
        assert rejected == Rejected(105, "Invalid Destination Address", "333")
        assert client.query(sent.apimsgid) == Status(sent.apimsgid, 3)
        assert client.query(client_message_id="c-1") == Status(sent.apimsgid, 3)
        assert client.charge(sent.apimsgid) == Charge(sent.apimsgid, Decimal(1), 3)
        assert client.delete(sent.apimsgid) == Status(sent.apimsgid, 3)
        assert client.balance() == Decimal("299.50")
        assert client.coverage("27999000001") == RouteCoverage("27999000001", Decimal(1))


def test_every_command_over_a_socket_and_async():
    async def conversation(url: str) -> None:
        async with AsyncRestClient(url, token="any") as client:
            (sent,) = await client.send("27999000001", "x" * 400)  # 3 parts: maxMessageParts
            assert isinstance(sent, Sent)
            assert await client.query(sent.apimsgid) == Status(sent.apimsgid, 3)
            assert (await client.charge(sent.apimsgid)).charge == 3
            assert (await client.delete(sent.apimsgid)).status == 3
            assert await client.balance() == 97
            assert await client.coverage("27999000001") == RouteCoverage("27999000001", Decimal(1))
            with pytest.raises(ParameterError) as info:
                await client.query("0" * 32)
            assert info.value.code == 103

    with FakeServer(app=create_app(frozen())) as server:
        asyncio.run(conversation(server.url))
        with RestClient(server.url, token="any") as client:
            (sent,) = client.send("27999000001", "x" * 600)
            assert isinstance(sent, Sent)
            assert client.balance() == 93


def test_request_level_errors_raise_the_http_clients_exceptions():
    with (
        in_process(STRICT_REST, token="nope") as client,
        pytest.raises(AuthenticationError) as info,
    ):
        client.balance()
    assert (info.value.code, info.value.description) == (1, "Authentication failed")
    with in_process(STRICT_REST) as client:
        with pytest.raises(ValueError, match="to:"):
            client.send([], "hi")  # refused by the client itself
        with pytest.raises(ParameterError) as info_text:
            client.send("27999000001", "")
        assert info_text.value.code == 107
        with pytest.raises(ParameterError):
            client.query(client_message_id="missing")


@pytest.mark.parametrize(
    ("then", "error", "code"),
    [
        ({"error": 901}, InternalError, 901),
        ({"error": 130}, CreditError, 130),
        ({"error": 7}, AuthenticationError, 7),
    ],
)
def test_rule_errors_reach_the_client_as_exceptions(then, error, code):
    scenario = frozen(scenario_from_data({"rules": [{"when": {"api": "rest"}, "then": then}]}))
    with in_process(scenario) as client, pytest.raises(error) as info:
        client.balance()
    assert info.value.code == code


def test_what_is_not_the_apis_json_raises():
    scenario = frozen(
        scenario_from_data(
            {
                "rules": [
                    {"when": {"path": "/rest/account/*"}, "then": {"http": {"status": 500}}},
                    {"when": {"path": "/rest/coverage/*"}, "then": {"fault": "garbage"}},
                ]
            }
        )
    )
    with in_process(scenario) as client:
        with pytest.raises(TransportError) as info:
            client.balance()
        assert info.value.status_code == 500
        with pytest.raises(ParseError):
            client.coverage("27999000001")
    with (
        RestClient("http://127.0.0.1:9", token="t", timeout=2) as client,
        pytest.raises(TransportError),
    ):
        client.balance()


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, "[]", ParseError),
        (200, '{"data":1}', ParseError),
        (200, '{"error":{"code":1}}', ParseError),
        (202, '{"data":{"message":[]}}', ParseError),
        (202, '{"data":{"message":[1]}}', ParseError),
        (202, '{"data":{"message":[{"accepted":false,"to":"1"}]}}', ParseError),
        (202, '{"data":{"message":[{"accepted":true,"to":1,"apiMessageId":"x"}]}}', ParseError),
        (502, "Bad gateway", TransportError),
    ],
)
def test_replies_outside_the_api_raise(status: int, body: str, error: type[Exception]):
    with pytest.raises(error):
        parse_send(status, body)


def test_the_client_refuses_its_own_misuse():
    with pytest.raises(ValueError, match="to:"):
        send_call([""], "hi", {})
    with pytest.raises(TypeError, match="unknown send option"):
        send_call("1", "hi", {"concat": 3})
    with pytest.raises(ValueError, match="aware datetime"):
        send_call("1", "hi", {"scheduled_delivery_time": datetime(2027, 1, 1)})
    with pytest.raises(ValueError, match="one of them"):
        message_call("GET", None, None)
    with pytest.raises(ValueError, match="by its apimsgid"):
        message_call("DELETE", None, "c")
    with pytest.raises(ValueError, match="token"):
        RestClient(BASE, token="a b")
    assert data_of(200, '{"data":{"balance":"1.00"}}') == {"balance": "1.00"}


def test_options_go_out_under_their_rest_names():
    when = datetime(2027, 1, 15, 9, 0, tzinfo=timezone.utc)
    call = send_call(
        ["27999000001"],
        "hi",
        {
            "sender": "ACME",
            "client_message_id": "c",
            "callback": 7,
            "mo": True,
            "max_credits": Decimal("2.5"),
            "scheduled_delivery_time": when,
            "user_priority_queue": 1,
        },
    )
    assert call == RestCall(
        "POST",
        "/rest/message",
        {
            "text": "hi",
            "to": ["27999000001"],
            "from": "ACME",
            "clientMessageId": "c",
            "callback": 7,
            "mo": True,
            "maxCredits": 2.5,
            "scheduledDeliveryTime": "2027-01-15T09:00:00Z",
            "userPriorityQueue": 1,
        },
    )
    assert json.dumps(call.body)


_REST_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "sender": st.sampled_from(["ACME", "27999000000"]),
        "client_message_id": cst.climsgids(),
        "callback": st.integers(0, 7),
        "mo": st.booleans(),
        "escalate": st.booleans(),
        "user_priority_queue": st.integers(1, 3),
        "validity_period": st.integers(1, 1440),
        "max_credits": st.integers(35, 100),
        "scheduled_delivery_time": st.integers(int(T0) + 60, int(T0) + 86_400),
    },
)


@examples(0.25)
@given(
    st.lists(st.one_of(cst.msisdns(), cst.invalid_msisdns()), min_size=1, max_size=5),
    cst.texts(max_size=300),
    _REST_OPTIONS,
)
def test_hypothesis_sends_through_the_client_match_the_fake(numbers, text, options):
    app = create_app(frozen())
    with RestClient(BASE, token="t", transport=httpx.WSGITransport(app=app)) as client:
        results = client.send(numbers, text, **options)
        assert [result.to for result in results] == numbers
        sent = [result for result in results if isinstance(result, Sent)]
        assert all(isinstance(r, Sent) or r.code == 105 for r in results)
        spent = Decimal(0)
        for result in sent:
            charge = client.charge(result.apimsgid)
            expected = 11 if "scheduled_delivery_time" in options else 3
            assert charge.status == expected
            spent += charge.charge
        assert client.balance() == 100 - spent
        if "client_message_id" in options and sent:
            assert client.query(client_message_id=options["client_message_id"]).apimsgid == (
                sent[-1].apimsgid
            )


def test_the_readmes_rest_client_example_runs():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    (example,) = [
        body
        for body in re.findall(r"^```python\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
        if "RestClient(fake.url" in body
    ]
    exec(example, {})
