"""The Platform and One API reference clients against the fake: sync and async, in-process and
over a socket, the HTTP client's results and exceptions where they mean the same, and
Hypothesis-drawn sends."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_clickatell import (
    AsyncOneApiClient,
    AsyncPlatformClient,
    FakeServer,
    OneApiClient,
    PlatformClient,
    create_app,
)
from fake_clickatell import strategies as cst
from fake_clickatell.client import (
    APIError,
    AuthenticationError,
    CreditError,
    InternalError,
    OneApiStatus,
    ParameterError,
    ParseError,
    Rejected,
    RoutingError,
    Sent,
    Status,
    TransportError,
    one_api_calls,
    platform_calls,
)
from fake_clickatell.client.rest_calls import RestCall

from .client_support import examples
from .integration_support import HTTP_KEY, MESSAGE_ID, ONE_KEY, PLATFORM_KEY, STRICT, scenario
from .support import T0, frozen

BASE = "http://fake.test"


def platform(data: Any = None, key: str = PLATFORM_KEY, http: bool = False) -> PlatformClient:
    app = create_app(STRICT if data is None else scenario(data))
    transport = httpx.WSGITransport(app=app)
    return PlatformClient(BASE, api_key=key, http=http, transport=transport)


def one_api(data: Any = None, key: str = ONE_KEY) -> OneApiClient:
    app = create_app(STRICT if data is None else scenario(data))
    return OneApiClient(BASE, api_key=key, transport=httpx.WSGITransport(app=app))


def test_every_platform_command_in_process():
    with platform() as client:
        sent, rejected = client.send(["+27 999 000 001", "12"], "Hello", client_message_id="c-1")
        assert isinstance(sent, Sent)
        assert MESSAGE_ID.fullmatch(sent.apimsgid)
        assert sent.to == "27999000001"
        assert rejected == Rejected(158, "Invalid destination address.", "12", "platform")
        assert isinstance(rejected.error(), ParameterError)
        assert client.status(sent.apimsgid) == Status(sent.apimsgid, 3)
        assert client.balance() == Decimal("1266.92865")
        with pytest.raises(ParameterError) as info:
            client.status("0" * 32)
        assert (info.value.code, info.value.description) == (161, "Resource does not exist")
    with platform(key=HTTP_KEY, http=True) as client:
        results = client.send(["27999000001", "27999000002"], "Hi + you", validity_period=5)
        assert [type(result) for result in results] == [Sent, Sent]
        assert client.balance() == Decimal("1265.92865")  # a fresh fake


def test_every_one_api_command_over_a_socket_and_async():
    async def conversation(url: str) -> None:
        async with AsyncOneApiClient(url, api_key="any") as client:
            sent, rejected = await client.send(["27999000001", "27999abcde"], "x" * 400)
            assert isinstance(sent, Sent)
            assert rejected == Rejected(
                23, "Invalid or missing parameter: to .", "27999abcde", "one"
            )
            assert await client.status(sent.apimsgid) == OneApiStatus(
                sent.apimsgid, "SENT_TO_SUPPLIER", int(T0 * 1000)
            )
            unknown = await client.status("nothing")
            assert (unknown.status, unknown.final) == ("UNKNOWN", False)
            assert await client.balance() == 97
        async with AsyncPlatformClient(url, api_key="any") as client:
            (sent,) = await client.send("27999000001", "hi")
            assert isinstance(sent, Sent)
            assert (await client.status(sent.apimsgid)).description == "Delivered to gateway"
            assert await client.balance() == 99

    with FakeServer(app=create_app(frozen())) as server:
        asyncio.run(conversation(server.url))
        with OneApiClient(server.url, api_key="any") as client:
            (sent,) = client.send("27999000001", "Hi")
            assert isinstance(sent, Sent)
            server.app.test_client().post("/__admin/clock", json={"advance": 5})
            status = client.status(sent.apimsgid)
            assert (status.status, status.final) == ("DEVICE_ACK", True)
        with PlatformClient(server.url, api_key="other", http=True) as http:
            assert isinstance(http.send("27999000001", "Hi")[0], Sent)
            assert "PlatformClient(base_url=" in repr(http)


@pytest.mark.parametrize(
    ("make", "error", "code", "text"),
    [
        (lambda: platform(key="nope"), AuthenticationError, 1, "Invalid or missing Integration API Key"),
        (lambda: platform(key="frozen-key"), AuthenticationError, 3, "Account is not active"),
        (lambda: one_api(key="nope"), AuthenticationError, 1, "Invalid or missing integration API Key"),
        (lambda: one_api(key="idle-one"), AuthenticationError, 3, "Integration is not active"),
    ],
)  # fmt: skip
def test_refused_keys_raise_authentication_errors(
    make: Any, error: type[APIError], code: int, text: str
):
    with make() as client, pytest.raises(error) as info:
        client.balance()
    assert (info.value.code, info.value.description) == (code, text)


TWO_WAY = {"accounts": [{"integrations": [
    {"api": "platform", "api_key": PLATFORM_KEY, "numbers": ["27990000000"]}]}]}  # fmt: skip


def test_platform_request_level_errors_raise_even_with_200():
    with platform(TWO_WAY) as client:
        with pytest.raises(ParameterError) as info:
            client.send("27999000001", "hi")  # answered 200: a two-way error
        assert info.value.code == 44
        with pytest.raises(ParameterError) as empty:
            client.send("27999000001", "", sender="27990000000")
        assert empty.value.code == 100
        (sent,) = client.send("27999000001", "hi", sender="27990000000")
        assert isinstance(sent, Sent)


@pytest.mark.parametrize(
    ("then", "error", "codes"),
    [
        ({"error": 901}, InternalError, (901, 19)),
        ({"quota": {"calls": 0 + 1, "window": 60}}, CreditError, (43, 43)),
        ({"error": 121}, RoutingError, (121, 26)),
    ],
)
def test_rule_errors_reach_the_clients_in_each_apis_family(then, error, codes):
    data = {"rules": [{"when": {"command": "getbalance"}, "then": then}]}
    with platform(data, key="k") as plat, one_api(data, key="k") as one:
        clients: tuple[PlatformClient | OneApiClient, ...] = (plat, one)
        for client, code in zip(clients, codes, strict=True):
            if "quota" in then:
                client.balance()  # the first call is within the quota
            with pytest.raises(error) as info:
                client.balance()
            assert info.value.code == code


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (502, "bad gateway", TransportError),
        (200, "not json", ParseError),
        (202, '{"messages":[]}', ParseError),
        (202, '{"messages":[{"to":"1","accepted":false}]}', ParseError),
        (202, '{"messages":[5]}', ParseError),
        (400, '{"errorCode":"x","messages":[]}', ParseError),
    ],
)
def test_platform_replies_outside_the_api_raise(status: int, body: str, error: type):
    with pytest.raises(error):
        platform_calls.parse_send(status, body)


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (302, "", TransportError),
        (202, "[]", ParseError),
        (202, '{"messages":[{"to":"1","accepted":false,"error":{"code":"x"}}]}', ParseError),
        (400, '{"error":{"code":"21"}}', ParseError),
        (202, '{"messages":[{"accepted":true}]}', ParseError),
    ],
)
def test_one_api_replies_outside_the_api_raise(status: int, body: str, error: type):
    with pytest.raises(error):
        one_api_calls.parse_send(status, body)


def test_status_and_balance_parsers_refuse_other_shapes():
    with pytest.raises(ParseError):
        platform_calls.parse_status(200, '{"messageId":"a","statusCode":"3"}')
    with pytest.raises(ParseError):
        platform_calls.parse_balance(200, '{"balance":"12.5"}')
    with pytest.raises(ParseError):
        one_api_calls.status_parser("a")(200, '{"sms":"DEVICE_ACK"}')
    with pytest.raises(ParseError):
        one_api_calls.status_parser("a")(200, '{"sms":{"status":"X","timestamp":1.5}}')
    assert platform_calls.parse_balance(200, '{"balance":1267.92865,"currency":"ZAR"}') == (
        Decimal("1267.92865")
    )


def test_the_clients_refuse_their_own_misuse():
    with pytest.raises(ValueError, match="api_key"):
        PlatformClient(BASE, api_key="a b")
    with pytest.raises(ValueError, match="api_key"):
        OneApiClient(BASE, api_key="")
    with platform() as client:
        with pytest.raises(ValueError, match="to:"):
            client.send([], "hi")
        with pytest.raises(TypeError, match="content"):
            client.send("27999000001", 5)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="unknown send option"):
            client.send("27999000001", "hi", colour="red")  # type: ignore[call-arg]
    with (
        PlatformClient("http://127.0.0.1:9", api_key="k", timeout=1) as unreachable,
        pytest.raises(TransportError, match="GET /public-client/balance"),
    ):
        unreachable.balance()


def test_options_go_out_under_their_field_names():
    when = datetime(2027, 1, 15, 9, 0, tzinfo=timezone.utc)
    options = {"sender": "ACME", "client_message_id": "c", "scheduled_delivery_time": when,
               "binary": False, "charset": "UTF-8"}  # fmt: skip
    fields = {"content": "hi", "from": "ACME", "clientMessageId": "c",
              "scheduledDeliveryTime": "2027-01-15T09:00:00Z", "binary": False, "charset": "UTF-8"}  # fmt: skip
    assert platform_calls.send_call(["1", "2"], "hi", options, http_key=None) == RestCall(
        "POST", "/messages", {**fields, "to": ["1", "2"]}
    )
    query = {"apiKey": "K", "to": "1,2", **{k: str(v) for k, v in fields.items()}}
    query["binary"] = "false"
    assert platform_calls.send_call(["1", "2"], "hi", options, http_key="K") == RestCall(
        "GET", "/messages/http/send", query=query
    )
    assert one_api_calls.send_call(["1", "2"], "hi", options) == RestCall(
        "POST",
        "/v1/message",
        {"messages": [{"channel": "sms", "to": n, **fields} for n in ("1", "2")]},
    )
    assert json.dumps(one_api_calls.send_call("1", "hi", options).body)


_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "client_message_id": st.text(min_size=1, max_size=40),
        "validity_period": st.integers(1, 1440),
        "charset": st.sampled_from(["UTF-8", "ASCII", "UCS2-BE", "Windows-1252"]),
        "scheduled_delivery_time": st.integers(int(T0) + 60, int(T0) + 86_400),
    },
)


@examples(0.25)
@given(
    st.lists(st.one_of(cst.msisdns(), cst.invalid_msisdns()), min_size=1, max_size=5),
    cst.texts(max_size=300),
    _OPTIONS,
    st.sampled_from(["rest", "http", "one"]),
)
def test_hypothesis_sends_through_the_clients_match_the_fake(numbers, text, options, api):
    app = create_app(frozen())
    transport = httpx.WSGITransport(app=app)
    client: PlatformClient | OneApiClient
    if api == "one":
        client = OneApiClient(BASE, api_key="k", transport=transport)
    else:
        client = PlatformClient(BASE, api_key="k", http=api == "http", transport=transport)
    with client:
        results = client.send(numbers, text, **options)
        assert len(results) == len(numbers)
        sent = [result for result in results if isinstance(result, Sent)]
        refused = {23, 25} if api == "one" else {158}
        assert all(r.code in refused for r in results if isinstance(r, Rejected))
        stored = app.test_client().get("/__admin/messages").get_json()["messages"]
        assert [m["apimsgid"] for m in stored] == [r.apimsgid for r in sent]
        assert {m["text"] for m in stored} <= {text}
        spent = sum((Decimal(m["charge"]) for m in stored), Decimal(0))
        assert client.balance() == 100 - spent
        expected = "011" if "scheduled_delivery_time" in options else "003"
        assert {m["status"] for m in stored} <= {expected}
