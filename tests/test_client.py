"""The reference client, by example: requests it builds, results and errors, sessions.

The properties (Hypothesis) are in test_client_properties.py and test_client_state_machine.py.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

import fake_clickatell
from fake_clickatell import FakeServer
from fake_clickatell.client import (
    ERROR_FAMILIES,
    APIError,
    AsyncClickatellClient,
    AuthenticationError,
    Charge,
    ClickatellClient,
    ClickatellError,
    CreditError,
    InternalError,
    ParameterError,
    ParseError,
    Rejected,
    RoutingError,
    SendOptions,
    Sent,
    SessionError,
    Status,
    TransportError,
    error_for,
)
from fake_clickatell.client.flows import ClientProtocol, run_flow, run_flow_async
from fake_clickatell.client.http import _verify
from fake_clickatell.client.params import Call, sendmsg_params
from fake_clickatell.core.codes import ERROR_TEXTS, RECIPIENT_ERRORS

from .client_support import BASE_URL, CREDENTIALS, fake, open_mode
from .support import STRICT

ID = "e74dee1bbed22ee3a39f9aeab606ccf9"


def params_of(recipients: tuple[str, ...], text: str | None, **options: Any) -> dict[str, str]:
    given: SendOptions = options  # type: ignore[assignment]
    return dict(sendmsg_params(recipients, text, given))


def scripted(
    *bodies: str, status: int = 200, auth: str = f"OK: {ID}"
) -> tuple[ClickatellClient, list[httpx.Request]]:
    """A client whose transport answers ``auth`` to every auth, and ``bodies`` in turn to the
    other commands (the last one forever)."""
    seen: list[httpx.Request] = []
    answered = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal answered
        seen.append(request)
        if request.url.path == "/http/auth":
            return httpx.Response(status, text=auth)
        answered += 1
        return httpx.Response(status, text=bodies[min(answered, len(bodies)) - 1])

    client = ClickatellClient(BASE_URL, transport=httpx.MockTransport(handler), **CREDENTIALS)
    return client, seen


# -- building requests -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", {"text": "hello", "charset": "UTF-8", "concat": "1"}),
        ("café {€}", {"text": "café {€}", "charset": "UTF-8", "concat": "1"}),
        ("x" * 160, {"text": "x" * 160, "charset": "UTF-8", "concat": "1"}),
        ("x" * 161, {"text": "x" * 161, "charset": "UTF-8", "concat": "2"}),
        ("{" * 80, {"text": "{" * 80, "charset": "UTF-8", "concat": "1"}),
        ("{" * 81, {"text": "{" * 81, "charset": "UTF-8", "concat": "2"}),
        ("ΩΨΘ", {"text": "ΩΨΘ", "charset": "UTF-8", "concat": "1"}),  # all three are GSM-7
        ("Привет", {"text": "041F04400438043204350442", "unicode": "1", "concat": "1"}),
        ("😀", {"text": "D83DDE00", "unicode": "1", "concat": "1"}),
        ("ж" * 70, {"text": "0436" * 70, "unicode": "1", "concat": "1"}),
        ("ж" * 71, {"text": "0436" * 71, "unicode": "1", "concat": "2"}),
        ("😀" * 35, {"text": "D83DDE00" * 35, "unicode": "1", "concat": "1"}),
        ("😀" * 36, {"text": "D83DDE00" * 36, "unicode": "1", "concat": "2"}),
        # Beyond 35 parts concat stays at the API's maximum, so the API answers 113.
        ("x" * 153 * 36, {"text": "x" * 153 * 36, "charset": "UTF-8", "concat": "35"}),
    ],
)
def test_text_is_sent_as_utf8_when_gsm7_else_as_ucs2_hex(text: str, expected: dict[str, str]):
    assert params_of(("27999000001",), text) == {"to": "27999000001", **expected}


def test_unicode_can_be_forced_either_way_and_concat_given_wins():
    forced = params_of(("1234567",), "hi", unicode=True, concat=5)
    assert forced == {"to": "1234567", "text": "00680069", "unicode": "1", "concat": "5"}
    plain = params_of(("1234567",), "Привет", unicode=False)
    assert plain == {"to": "1234567", "text": "Привет", "charset": "UTF-8", "concat": "1"}


#: Every option but the text's own, and how it goes out (sendmsg and startbatch alike).
EVERY_OPTION: SendOptions = {
    "sender": "ACME",
    "climsgid": "order-1",
    "callback": 3,
    "deliv_ack": True,
    "deliv_time": 10,
    "scheduled_time": datetime(2027, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=2))),
    "max_credits": Decimal("2.50"),
    "req_feat": 48,
    "queue": 1,
    "escalate": False,
    "mo": True,
    "msg_type": "SMS_FLASH",
    "validity": 60,
    "binary": False,
}
EVERY_OPTION_ON_THE_WIRE = {
    "from": "ACME",
    "climsgid": "order-1",
    "callback": "3",
    "deliv_ack": "1",
    "deliv_time": "10",
    "scheduled_time": "2027-01-15T08:00:00Z",
    "max_credits": "2.5",
    "req_feat": "48",
    "queue": "1",
    "escalate": "0",
    "mo": "1",
    "msg_type": "SMS_FLASH",
    "validity": "60",
    "binary": "0",
}


def test_every_option_goes_out_under_its_wire_name_and_format():
    params = params_of(("27999000001", "27999000002"), "hi", **EVERY_OPTION)
    assert params == {
        "to": "27999000001,27999000002",
        "text": "hi",
        "charset": "UTF-8",
        "concat": "1",
        **EVERY_OPTION_ON_THE_WIRE,
    }
    assert list(params)[4:] == list(EVERY_OPTION_ON_THE_WIRE)  # in a fixed order
    assert params_of(("1234567",), "hi", scheduled_time=1_800_000_000)["scheduled_time"] == (
        "1800000000"
    )


def test_binary_messages_send_hex_and_count_octets():
    params = params_of(("1234567",), None, udh=bytes.fromhex("050003010201"), data=b"\x00" * 135)
    assert params == {"to": "1234567", "udh": "050003010201", "data": "00" * 135, "concat": "2"}


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: sendmsg_params(("1234567",), "hi", {"data": b"\x01"}), ValueError),
        (lambda: sendmsg_params(("1234567",), None, {}), ValueError),
        (lambda: sendmsg_params(("1234567",), "bad \ud800", {}), ValueError),
        (lambda: sendmsg_params(("1234567",), "hi", {"colour": 1}), TypeError),  # type: ignore[typeddict-unknown-key]
        (
            lambda: sendmsg_params(("1234567",), "hi", {"scheduled_time": datetime(2027, 1, 1)}),
            ValueError,
        ),
    ],
)
def test_misuse_is_refused_before_sending(call: Callable[[], object], error: type[Exception]):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("to", ["", "  ", "27999000001,27999000002", ["1234567", ""], []])
def test_recipients_that_would_misalign_results_are_refused_without_a_request(to):
    client, seen = scripted("ID: x")
    with client, pytest.raises(ValueError, match="recipient"):
        client.send(to, "hi")
    assert seen == []


def test_a_recipient_must_be_a_string():
    client, seen = scripted("ID: x")
    with client, pytest.raises(TypeError):
        client.send([27999000001], "hi")  # type: ignore[list-item]
    assert seen == []


def test_naming_a_message_takes_exactly_one_id():
    client, seen = scripted(f"ID: {ID} Status: 004")
    with client:
        for call in (client.query, client.delete, client.charge):
            with pytest.raises(ValueError, match="exactly one"):
                call()
            with pytest.raises(ValueError, match="exactly one"):
                call(ID, climsgid="c1")
    assert seen == []


def test_the_password_never_shows_in_reprs():
    client, _ = scripted("OK: x")
    with client:
        assert "secret" not in repr(client)
        assert "secret" not in repr(client._protocol)
    call = Call("/http/auth", (("api_id", "1"), ("user", "u"), ("password", "secret")))
    assert "secret" not in repr(call)
    assert "'***'" in repr(call)


# -- results and errors ----------------------------------------------------------------------


def test_every_documented_code_has_a_family_and_unknown_codes_are_internal():
    assert set(ERROR_TEXTS) <= set(ERROR_FAMILIES)
    assert {code for code, family in ERROR_FAMILIES.items() if family is InternalError} == {901}
    assert type(error_for(999, "Something new")) is InternalError
    families = {
        AuthenticationError: {1, 2, 4, 7, 108},
        SessionError: {3, 5},
        RoutingError: {114, 115, 121, 122, 128},
        CreditError: {130, 301, 302},
    }
    for family, codes in families.items():
        assert {code for code, f in ERROR_FAMILIES.items() if f is family} == codes
    for code, family in ERROR_FAMILIES.items():
        error = error_for(code, "text")
        assert isinstance(error, family)
        assert isinstance(error, APIError)
        assert isinstance(error, ClickatellError)
        assert (error.code, error.description) == (code, "text")
        assert str(error) == f"ERR: {code:03d}, text"
    # Each recipient error is a parameter, routing or credit problem, never a session one.
    assert {ERROR_FAMILIES[code] for code in RECIPIENT_ERRORS} == {
        ParameterError,
        RoutingError,
        CreditError,
    }


@pytest.mark.parametrize(
    ("body", "family", "code"),
    [
        ("ERR: 001, Authentication failed", AuthenticationError, 1),
        ("ERR: 004, Account frozen", AuthenticationError, 4),
        ("ERR: 108, Invalid or missing api_id", AuthenticationError, 108),
        ("ERR: 101, Invalid or missing parameters", ParameterError, 101),
        ("ERR: 113, Maximum message parts exceeded", ParameterError, 113),
        ("ERR: 130, Maximum MT limit exceeded until 1800000000", CreditError, 130),
        ("ERR: 302, Max allowed credit", CreditError, 302),
        ("ERR: 901, Internal error", InternalError, 901),
        ("ERR: 777, Something new", InternalError, 777),
    ],
)
def test_request_level_errors_raise_their_family(body: str, family: type[APIError], code: int):
    client, _ = scripted(body)
    with client, pytest.raises(family) as info:
        client.balance()
    assert info.value.code == code
    assert info.value.description == body.split(", ", 1)[1]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "ERR: 105, Invalid destination address",
            Rejected(105, "Invalid destination address", "123"),
        ),
        ("ERR: 301, No credit left", Rejected(301, "No credit left", "123")),
        ("ERR: 114, Cannot route message", Rejected(114, "Cannot route message", "123")),
        (f"ID: {ID}", Sent(ID, "123")),
        (f"ID: {ID} To: 123", Sent(ID, "123")),
    ],
)
def test_a_single_recipient_gets_a_result_value_too(body: str, expected: Sent | Rejected):
    client, _ = scripted(body)
    with client:
        assert client.send("123", "hi") == (expected,)


def test_a_rejection_knows_its_exception():
    error = Rejected(122, "Destination mobile opted out", "27999000001").error()
    assert isinstance(error, RoutingError)
    assert str(error) == "ERR: 122, Destination mobile opted out"


@pytest.mark.parametrize(
    ("command", "body"),
    [
        ("balance", "<html>Bad Gateway</html>"),
        ("balance", "Credit: lots"),
        ("balance", f"ID: {ID}"),  # in the grammar, but not a balance
        ("ping", "Credit: 1.00"),
        ("auth", "OK: "),
        ("send", f"ID: {ID} To: 1234567\nID: {ID} To: 1234567\nID: {ID} To: 1234567"),
        ("send", f"ID: {ID}"),
        ("send", "ERR: This prefix is not currently supported."),
        ("query", "Credit: 1.00"),
        ("delete", f"apiMsgId: {ID} charge: 1 status: 004"),
        ("charge", f"ID: {ID} Status: 004"),
    ],
)
def test_replies_a_command_cannot_have_raise_a_parse_error_showing_the_body(command, body):
    client, _ = scripted(body, auth=body if command == "auth" else f"OK: {ID}")
    calls: dict[str, Callable[[], object]] = {
        "auth": client.auth,
        "ping": client.ping,
        "balance": client.balance,
        "send": lambda: client.send(["1234567", "7654321"], "hi"),
        "query": lambda: client.query(ID),
        "delete": lambda: client.delete(ID),
        "charge": lambda: client.charge(ID),
    }
    with client, pytest.raises(ParseError) as info:
        calls[command]()
    assert info.value.body == body
    assert repr(body) in str(info.value)
    assert isinstance(info.value, ClickatellError)


def test_an_http_status_but_200_is_a_transport_error():
    client, _ = scripted("502 Bad Gateway", status=502, auth="502 Bad Gateway")
    with client, pytest.raises(TransportError) as info:
        client.auth()
    assert info.value.status_code == 502
    assert info.value.body == "502 Bad Gateway"


def test_no_server_is_a_transport_error():
    with FakeServer() as server:
        url = server.url
    client = ClickatellClient(url, timeout=5, **CREDENTIALS)
    with client, pytest.raises(TransportError) as info:
        client.auth()
    assert info.value.status_code is None
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_status_describes_itself():
    assert Status(ID, 4).description == "Received by recipient"
    assert Status(ID, 4).final
    assert not Status(ID, 3).final
    assert Status(ID, 999).description == "Unknown status"


# -- against the fake ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_conversation_with_the_fake(method):
    with fake(open_mode(10)) as f:
        client = f.client(method)
        results = client.send(["27999000001", "123", "27999000002"], "Hello {world}")
        assert [type(r) for r in results] == [Sent, Rejected, Sent]
        assert results[1] == Rejected(105, "Invalid destination address", "123")
        first = results[0]
        assert isinstance(first, Sent)
        assert client.query(first.apimsgid) == Status(first.apimsgid, 3)
        assert client.charge(first.apimsgid) == Charge(first.apimsgid, Decimal(1), 3)
        assert client.balance() == Decimal(8)
        f.advance(5)
        assert client.query(first.apimsgid) == Status(first.apimsgid, 4)
        assert client.delete(first.apimsgid) == Status(first.apimsgid, 4)  # too late to stop
        assert client.query("0" * 32) == Status("0" * 32, 1)
        with pytest.raises(ParameterError) as info:
            client.charge("0" * 32)
        assert info.value.code == 103
        assert f.commands() == [
            *("auth", "sendmsg", "querymsg", "getmsgcharge", "getbalance"),
            *("querymsg", "delmsg", "querymsg", "getmsgcharge"),
        ]
        assert f.messages()[0]["text"] == "Hello {world}"
        assert f.messages()[0]["options"]["charset"] == "UTF-8"


def test_a_deferred_message_can_be_stopped_by_climsgid_and_is_refunded():
    with fake(open_mode(10)) as f:
        client = f.client()
        (sent,) = client.send("27999000001", "later", deliv_time=30, climsgid="order-7")
        assert isinstance(sent, Sent)
        assert client.query(climsgid="order-7") == Status(sent.apimsgid, 11)
        assert client.balance() == Decimal(9)
        assert client.delete(climsgid="order-7") == Status(sent.apimsgid, 6)
        assert client.charge(climsgid="order-7") == Charge(sent.apimsgid, Decimal(0), 6)
        assert client.balance() == Decimal(10)
        with pytest.raises(ParameterError) as info:
            client.query(climsgid="nope")
        assert info.value.code == 104


def test_binary_message_through_the_fake():
    with fake() as f:
        client = f.client()
        (sent,) = client.send("27999000001", udh=bytes.fromhex("0504158a0000"), data=b"\x01\x02")
        assert isinstance(sent, Sent)
        (message,) = f.messages()
        assert (message["coding"], message["udh"], message["data"]) == (
            "8bit",
            "0504158a0000",
            "0102",
        )


def test_recipient_limits_300_by_get_600_by_post():
    numbers = [f"2799900{n:04d}" for n in range(601)]
    with fake(open_mode(1000)) as f:
        get, post = f.client("GET"), f.client("POST")
        assert len(get.send(numbers[:300], "hi")) == 300
        assert len(post.send(numbers[:600], "hi")) == 600
        for client, count in ((get, 301), (post, 601)):
            with pytest.raises(ParameterError) as info:
                client.send(numbers[:count], "hi")
            assert info.value.code == 101
        assert f.balance() == Decimal(100)


def test_credit_runs_out_recipient_by_recipient():
    with fake(open_mode(2)) as f:
        results = f.client().send(["27999000001", "27999000002", "27999000003"], "x" * 161)
        assert [getattr(r, "code", None) for r in results] == [None, 301, 301]
        assert f.balance() == Decimal(0)


def test_authentication_errors_from_a_strict_fake():
    with fake(STRICT) as f:
        refused: list[tuple[dict[str, str], int]] = [
            ({"api_id": "999"}, 108),
            ({"password": "wrong"}, 1),
            ({"api_id": "777", "user": "ice", "password": "cold"}, 4),
        ]
        for creds, code in refused:
            client = f.client("POST", **{**CREDENTIALS, **creds})
            with pytest.raises(AuthenticationError) as info:
                client.send("27999000001", "hi")
            assert info.value.code == code
        assert "sendmsg" not in f.commands()


# -- sessions --------------------------------------------------------------------------------


def test_first_use_authenticates_and_later_commands_share_the_session():
    with fake() as f:
        client = f.client()
        assert client.session_id is None
        assert client.seconds_until_keep_alive() is None
        client.balance()
        session = client.session_id
        client.ping()
        client.send("27999000001", "hi")
        assert client.session_id == session
        assert f.commands() == ["auth", "getbalance", "ping", "sendmsg"]


def test_an_explicit_auth_opens_a_new_session():
    with fake() as f:
        client = f.client()
        first, second = client.auth(), client.auth()
        assert first != second
        assert client.session_id == second
        assert len(second) == 32


@pytest.mark.parametrize(("idle", "reauth"), [(900, False), (900.5, True), (5000, True)])
def test_an_expired_session_is_renewed_once_and_the_command_retried(idle: float, reauth: bool):
    with fake() as f:
        client = f.client()
        client.balance()
        f.advance(idle)
        client.send("27999000001", "hi")
        retried = ["sendmsg", "auth", "sendmsg"] if reauth else ["sendmsg"]
        assert f.commands() == ["auth", "getbalance", *retried]
        assert len(f.messages()) == 1
        requests = f.admin("requests")["requests"]
        if reauth:
            assert requests[2]["body"] == "ERR: 003, Session ID expired"


def test_a_session_refused_twice_raises_and_is_forgotten():
    client, seen = scripted("ERR: 003, Session ID expired")
    with client:
        with pytest.raises(SessionError) as info:
            client.balance()
        assert info.value.code == 3
        assert client.session_id is None
    assert [r.url.path for r in seen] == ["/http/auth", "/http/getbalance"] * 2


def test_keep_alive_pings_ten_minutes_after_the_last_use_and_keeps_the_session():
    with fake() as f:
        client = f.client()
        assert client.keep_alive() is False  # no session yet: nothing to keep
        client.auth()
        assert client.seconds_until_keep_alive() == 600
        f.advance(599)
        assert client.seconds_until_keep_alive() == 1
        assert client.keep_alive() is False
        f.advance(1)
        assert client.keep_alive() is True
        assert client.seconds_until_keep_alive() == 600
        for _ in range(5):  # an hour, pinging whenever due
            f.advance(client.seconds_until_keep_alive() or 0)
            assert client.keep_alive() is True
        client.balance()
        assert f.commands() == ["auth", *["ping"] * 6, "getbalance"]


def test_keep_alive_margin_and_ttl_are_validated():
    with pytest.raises(ValueError, match="keep_alive_margin"):
        ClickatellClient(BASE_URL, session_ttl=60, keep_alive_margin=60, **CREDENTIALS)
    with pytest.raises(ValueError, match="method"):
        ClickatellClient(BASE_URL, method="PUT", **CREDENTIALS)  # type: ignore[arg-type]


def test_keep_alive_after_the_session_died_opens_a_new_one():
    with fake() as f:
        client = f.client()
        client.auth()
        f.advance(1000)
        assert client.keep_alive() is True
        assert f.commands() == ["auth", "ping", "auth", "ping"]


def test_a_stop_iteration_from_the_transport_is_an_error_not_a_result():
    # The drivers end a flow on its own StopIteration only; one leaking from a transport must
    # not pass for the command's result (None).
    def leaky(call: Call) -> str:
        raise StopIteration

    async def leaky_async(call: Call) -> str:
        raise StopIteration

    protocol = ClientProtocol("1", "u", "p")
    with pytest.raises(StopIteration):
        run_flow(protocol.balance(), leaky)
    with pytest.raises(RuntimeError, match="StopIteration"):  # what a coroutine makes of it
        asyncio.run(run_flow_async(protocol.balance(), leaky_async))
    assert run_flow(protocol.keep_alive(), leaky) is False  # no call made: the flow's result


# -- the async client and the package surface ------------------------------------------------


def test_the_async_client_speaks_the_core_commands_over_a_socket():
    async def conversation(client: AsyncClickatellClient) -> None:
        async with client:
            assert await client.keep_alive() is False
            session = await client.auth()
            await client.ping()
            (sent, rejected) = await client.send(["27999000001", "12"], "Привет", climsgid="c1")
            assert isinstance(sent, Sent)
            assert rejected == Rejected(105, "Invalid destination address", "12")
            assert await client.query(sent.apimsgid) == Status(sent.apimsgid, 3)
            assert await client.delete(climsgid="c1") == Status(sent.apimsgid, 3)
            assert await client.charge(sent.apimsgid) == Charge(sent.apimsgid, Decimal(1), 3)
            assert await client.balance() == Decimal(99)
            assert client.session_id == session
            assert client.seconds_until_keep_alive() == 600
            with pytest.raises(ParameterError):
                await client.send("27999000001", "hi", validity=0)

    with fake(socket=True) as f:
        asyncio.run(conversation(f.async_client("GET")))
        assert f.commands()[:2] == ["auth", "ping"]
        assert f.messages()[0]["text"] == "Привет"
        assert f.messages()[0]["unicode"] is True


def test_the_async_client_raises_transport_errors():
    async def attempt(url: str) -> None:
        async with AsyncClickatellClient(url, timeout=5, **CREDENTIALS) as client:
            await client.balance()

    with FakeServer() as server:
        url = server.url
    with pytest.raises(TransportError):
        asyncio.run(attempt(url))


def test_importing_the_package_imports_neither_httpx_nor_hypothesis():
    # A fresh interpreter: this one has imported both long ago.
    code = (
        "import sys, fake_clickatell\n"
        "assert 'httpx' not in sys.modules and 'hypothesis' not in sys.modules, sys.modules\n"
        "import fake_clickatell.strategies\n"
        "assert 'httpx' not in sys.modules  # the strategies need hypothesis only\n"
        "fake_clickatell.ClickatellClient\n"
        "assert 'httpx' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_clients_are_exported_lazily():
    assert fake_clickatell.ClickatellClient is ClickatellClient
    assert fake_clickatell.AsyncClickatellClient is AsyncClickatellClient
    assert {"ClickatellClient", "AsyncClickatellClient"} <= set(fake_clickatell.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        fake_clickatell.nothing  # noqa: B018


def test_only_https_base_urls_load_the_ca_bundle():
    # Plain HTTP never opens TLS, so the client skips the bundle (~50 ms a client).
    assert _verify("https://api.clickatell.com") is True
    assert _verify("http://127.0.0.1:8765") is False


def test_the_readme_client_example_runs():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The reference client", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "assert " in code  # the example checks its own results
    exec(compile(code, "README.md", "exec"), {})


def test_client_exceptions_and_results_show_their_public_path():
    import pickle

    from fake_clickatell.client import ParameterError, Sent

    assert ParameterError.__module__ == "fake_clickatell.client"
    error = ParameterError(101, "Invalid or missing parameters")
    assert pickle.loads(pickle.dumps(error)).code == 101
    assert repr(Sent("a", "1")).startswith("Sent(")
    assert Sent.__module__ == "fake_clickatell.client"
