"""Edges of the REST API and its client: auth on every resource, approved senders, open-mode
bounds, the adapter's header view, and replies the client must refuse."""

from __future__ import annotations

import asyncio
import io
import json
from decimal import Decimal

import httpx
import pytest
from hypothesis import given

from fake_clickatell import AsyncRestClient, RestClient, create_app
from fake_clickatell import strategies as cst
from fake_clickatell.app.json_requests import Headers, json_request
from fake_clickatell.client import ParseError, TransportError
from fake_clickatell.client.rest_calls import parse_balance, parse_charge, parse_status, send_call
from fake_clickatell.core.rest.routes import ROUTES
from fake_clickatell.core.routing import REMEMBERED_PATH, Router, resolve
from fake_clickatell.scenario import scenario_from_data
from fake_clickatell.testing import FakeClickatell
from fake_clickatell.testing.local import InProcessBackend
from fake_clickatell.testing.scenarios import read_scenario

from .rest_support import TOKEN, call, error, headers, send
from .support import Harness, MakeFake, frozen

AUTH_FAILED = error("001", "Authentication failed")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/rest/message/abc"),
        ("DELETE", "/rest/message/abc"),
        ("GET", "/rest/coverage/27999000001"),
        ("POST", "/rest/message"),
    ],
)
def test_every_resource_wants_a_token(fake: Harness, method: str, path: str):
    assert call(fake, method, path, b"{}", headers(None)) == (401, AUTH_FAILED)


def test_an_unapproved_sender_is_123(make_fake: MakeFake):
    data = {"accounts": [{"api_id": "1", "user": "u", "password": "p", "senders": ["ACME"],
                          "rest_tokens": [TOKEN]}]}  # fmt: skip
    fake = make_fake(frozen(scenario_from_data(data)))
    assert send(fake, {"text": "hi", "to": ["27999000001"], "from": "OTHER"}) == (
        400,
        error("123", "Invalid Sender ID"),
    )
    assert send(fake, {"text": "hi", "to": ["27999000001"], "from": "ACME"})[0] == 202


def test_open_mode_makes_no_more_token_accounts_than_its_bound(make_fake: MakeFake):
    fake = make_fake(frozen(scenario_from_data({"open_accounts": {"max_accounts": 1}})))
    assert call(fake, "GET", "/rest/account/balance", None, headers("one"))[0] == 200
    assert call(fake, "GET", "/rest/account/balance", None, headers("two")) == (401, AUTH_FAILED)
    (entry,) = [e for e in fake.admin("requests")["requests"] if e["status"] == 401]
    assert entry["reason"] == "open mode holds 1 accounts already"


def test_a_to_entry_of_another_json_type_is_refused_as_its_json_text(fake: Harness):
    status, body = send(fake, {"text": "hi", "to": [None, 1.5, {"n": 1}]})
    assert status == 400
    assert [e["to"] for e in json.loads(body)["data"]["message"]] == ["null", "1.5", '{"n":1}']


def test_scheduled_time_as_digits_in_a_string(fake: Harness):
    now = int(fake.gateway.now())
    status, _ = send(
        fake, {"text": "hi", "to": ["27999000001"], "scheduledDeliveryTime": str(now + 60)}
    )
    assert status == 202
    assert fake.messages()[0]["status"] == "011"


def test_the_header_view_reads_the_environ_on_demand():
    environ = {
        "HTTP_AUTHORIZATION": "Bearer t",
        "HTTP_X_VERSION": "1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "2",
        "PATH_INFO": "/rest/message",
    }
    view = Headers(environ)
    assert view["x-version"] == "1"
    assert view["content-type"] == "application/json"
    assert "authorization" in view
    assert "cookie" not in view
    assert 5 not in view  # type: ignore[comparison-overlap]  # a Mapping takes any key
    assert dict(view) == {
        "authorization": "Bearer t",
        "x-version": "1",
        "content-type": "application/json",
        "content-length": "2",
    }
    assert len(view) == 4


def test_a_content_length_that_is_no_number_reads_no_body():
    environ = {"CONTENT_LENGTH": "x", "wsgi.input": io.BytesIO(b"{}"), "REMOTE_ADDR": "1.2.3.4"}
    request = json_request(environ, "POST", "/rest/message", "", "rest")
    assert (request.body, request.oversized, request.client_ip) == (b"", False, "1.2.3.4")


def test_the_handles_rest_token_in_strict_mode():
    loaded = read_scenario(
        {"accounts": [{"api_id": "1", "user": "u", "password": "p"},
                      {"api_id": "2", "user": "v", "password": "q", "rest_tokens": ["tok"]}]}
    )  # fmt: skip
    backend = InProcessBackend.start(loaded)
    try:
        handle = FakeClickatell(backend, scenario=loaded)
        assert handle.rest_token == "tok"
        assert handle.balance(token="tok") == Decimal(100)
        with pytest.raises(LookupError, match="lists this token"):
            handle.balance(token="other")
        handle.load_scenario({"accounts": [{"api_id": "1", "user": "u", "password": "p"}]})
        with pytest.raises(LookupError, match="no rest_tokens"):
            _ = handle.rest_token
    finally:
        backend.close()


@pytest.mark.parametrize(
    ("parse", "body"),
    [
        (parse_charge, '{"data":{"charge":"lots","messageStatus":"004","apiMessageId":"a"}}'),
        (parse_status, '{"data":{"messageStatus":"four","apiMessageId":"a"}}'),
        (parse_status, '{"data":{"messageStatus":4,"apiMessageId":"a"}}'),
        (parse_balance, '{"data":{"balance":5}}'),
    ],
)
def test_the_client_refuses_values_of_the_wrong_kind(parse, body):
    with pytest.raises(ParseError):
        parse(200, body)


def test_the_clients_show_where_they_go_and_fail_as_transport_errors():
    app = create_app(frozen())
    with RestClient("http://fake.test", token="t", transport=httpx.WSGITransport(app=app)) as c:
        assert repr(c) == "RestClient(base_url='http://fake.test')"

    async def unreachable() -> None:
        async with AsyncRestClient("http://127.0.0.1:9", token="t", timeout=2) as client:
            assert repr(client) == "AsyncRestClient(base_url='http://127.0.0.1:9')"
            with pytest.raises(TransportError):
                await client.balance()

    asyncio.run(unreachable())


def test_a_long_unicode_text_asks_for_the_parts_it_needs():
    body = send_call("27999000001", "Ω日" * 120, {}).body
    assert body is not None
    assert body["maxMessageParts"] == 4


@given(cst.rest_flags(True))
def test_true_flags_are_taken_as_true(flag: object):
    app = create_app(frozen())
    reply = app.test_client().post(
        "/rest/message",
        json={"text": "hi", "to": ["27999000001"], "mo": flag},
        headers=headers("t"),
    )
    assert reply.status_code == 202
    (message,) = app.test_client().get("/__admin/messages").get_json()["messages"]
    assert message["options"]["mo"] is True


def test_routes_are_remembered_for_short_paths_only():
    route = Router(ROUTES)
    assert route("GET", "/rest/message/abc") == resolve(ROUTES, "GET", "/rest/message/abc")
    assert route("GET", "/rest/message/abc").argument == "abc"  # the second time, remembered
    assert route.remembered() == 1
    long_id = "x" * REMEMBERED_PATH
    assert route("DELETE", f"/rest/message/{long_id}").argument == long_id
    assert route("POST", "/rest/" + "y" * REMEMBERED_PATH).command is None
    assert route.remembered() == 1  # a client's long paths are never kept
    for n in range(2000):
        route("GET", f"/rest/message/{n}")
    assert route.remembered() == 1024
