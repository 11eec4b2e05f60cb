"""Intercept mode: an app that hard-codes https://api.clickatell.com, tested with no socket.

The app (``tests/sms_app.py``) sends with requests, httpx (sync and async) and urllib; every
test here runs it unchanged with the ``clickatell`` fixture in intercept mode: assertions,
scenarios, faults, the clock. Faults are checked against the same fault over a real socket:
the app must see the same exception, with the same message.
"""

from __future__ import annotations

import builtins
import http.client
import importlib
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from fake_clickatell import FakeClickatell, FakeServer, intercept
from fake_clickatell.scenario import scenario_from_data

from . import sms_app
from .sms_app import LIBRARIES, Sender

pytestmark = pytest.mark.clickatell_intercept()

API_MSG_ID = re.compile(r"ID: [0-9a-f]{32}")


def listening_sockets() -> set[int]:
    """The inodes of the TCP sockets this process is listening on."""
    own = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed since the listing
        if target.startswith("socket:["):
            own.add(int(target[8:-1]))
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                if fields[3] == "0A":  # TCP_LISTEN
                    listening.add(int(fields[9]))
    return own & listening


@pytest.fixture(autouse=True)
def no_server(request: pytest.FixtureRequest) -> Iterator[None]:
    """Taken before the ``clickatell`` fixture, checked after the test: intercept mode opened no
    listening socket and started no thread."""
    sockets, threads = listening_sockets(), set(threading.enumerate())
    yield
    if "httpserver" in request.fixturenames:
        return  # that test runs a loopback server of its own on purpose
    assert listening_sockets() <= sockets
    assert {thread for thread in threading.enumerate() if thread.is_alive()} <= threads


@pytest.fixture(params=sorted(LIBRARIES))
def library(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def app(library: str) -> Sender:
    return Sender(LIBRARIES[library])


# -- the app, its assertions -------------------------------------------------------------------


def test_the_apps_send_is_answered_by_the_fake(app: Sender, clickatell: FakeClickatell) -> None:
    assert clickatell.url == "https://api.clickatell.com"
    reply = app.send("27831234567", "Your code is 4321")
    assert API_MSG_ID.fullmatch(reply)
    sent = clickatell.assert_sent(to="27831234567", text="Your code is 4321", count=1)
    assert reply == f"ID: {sent.apimsgid}"
    clickatell.assert_requested("sendmsg", user="demo", count=1)


def test_each_test_starts_from_a_fresh_fake(app: Sender, clickatell: FakeClickatell) -> None:
    # The one above sent a message with the same fixture; this test sees none of it.
    assert clickatell.messages == []
    app.send("27831234567", "again")
    assert len(clickatell.messages) == 1


def test_a_refusal_is_the_apis_own_reply(app: Sender, clickatell: FakeClickatell) -> None:
    assert app.send("", "no recipient") == "ERR: 101, Invalid or missing parameters"
    assert clickatell.messages == []


@pytest.mark.clickatell_scenario("out-of-credit")
def test_a_scenario_runs_unchanged(app: Sender, clickatell: FakeClickatell) -> None:
    replies = [app.send("27831234567", f"message {n}") for n in range(4)]
    assert [API_MSG_ID.fullmatch(reply) is not None for reply in replies] == [1, 1, 1, 0]
    assert replies[3] == "ERR: 301, No credit left"
    assert [account.balance for account in clickatell.accounts] == [0]


@pytest.mark.clickatell_scenario({"clock": {"start": 1_800_000_000, "frozen": True}})
def test_the_clock_moves_the_apps_message_on(app: Sender, clickatell: FakeClickatell) -> None:
    api_msg_id = app.send("27831234567", "hello")[4:]
    assert app.status(api_msg_id) == f"ID: {api_msg_id} Status: 003"
    clickatell.clock.advance(5)
    assert app.status(api_msg_id) == f"ID: {api_msg_id} Status: 004"
    assert clickatell.messages[0].status == "004"


@pytest.mark.clickatell_scenario(
    {"rules": [{"when": {"command": "sendmsg"}, "then": {"http": {"status": 503, "body": "x"}}}]}
)
def test_an_http_error_status_is_the_librarys_usual_error(
    library: str, app: Sender, clickatell: FakeClickatell
) -> None:
    expected = {
        "requests": requests.HTTPError,
        "httpx": httpx.HTTPStatusError,
        "httpx-async": httpx.HTTPStatusError,
        "urllib": urllib.error.HTTPError,
    }[library]
    with pytest.raises(expected, match="503"):
        app.send("27831234567", "hello")


@pytest.mark.clickatell_scenario(
    {"rules": [{"when": {"command": "sendmsg"}, "then": {"latency": 0.05}}]}
)
def test_latency_still_takes_its_real_time(app: Sender, clickatell: FakeClickatell) -> None:
    started = time.monotonic()
    app.send("27831234567", "slow")
    assert time.monotonic() - started >= 0.05  # a lower bound: the rule's wait happened
    (entry,) = clickatell.requests
    assert entry.rule == "rules[0]"


# -- faults: the same exception as over a real socket ------------------------------------------

FAULTS = ("reset", "empty", "truncate", "hang")


def _fault_scenario(fault: str, process: bool = False) -> dict[str, Any]:
    then: dict[str, Any] = {"fault": fault, "process": process}
    return {"rules": [{"when": {"command": "sendmsg"}, "then": then}]}


def _raised(library: str, url: str) -> tuple[type[BaseException], str]:
    """What the app's send raises at ``url``: the exception's class and its message (the
    connection pool's host and port left out: they differ between two servers)."""
    with pytest.raises(Exception) as raised:  # noqa: PT011 - any exception, compared below
        LIBRARIES[library](
            "sendmsg", {**sms_app.CREDENTIALS, "to": "27831234567", "text": "hi"}, url
        )
    text = re.sub(r"HTTPS?ConnectionPool\(host='[^']*', port=\d+\)", "<pool>", str(raised.value))
    return raised.type, text


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_raises_what_a_real_socket_raises(library: str, fault: str) -> None:
    server = FakeServer(scenario_from_data(_fault_scenario(fault), "<dict>")).start()
    try:
        over_socket = _raised(library, server.url + "/http")
    finally:
        server.stop()
    with intercept(_fault_scenario(fault)) as fake:
        intercepted = _raised(library, sms_app.CLICKATELL)
        # A truncated reply is cut from a real one; other faults stop the request first.
        assert len(fake.messages) == (fault == "truncate")
    assert intercepted == over_socket


@pytest.mark.parametrize("fault", FAULTS)
def test_a_processed_fault_keeps_the_message(
    library: str, fault: str, clickatell: FakeClickatell
) -> None:
    clickatell.load_scenario(_fault_scenario(fault, process=True))
    _raised(library, sms_app.CLICKATELL)
    clickatell.assert_sent(to="27831234567", count=1)
    (entry,) = clickatell.requests  # journaled as the client got it
    if fault == "truncate":
        assert entry.status == 200
        assert f"ID: {clickatell.messages[0].apimsgid}".startswith(entry.body)
    else:
        assert entry.status is None
        assert entry.body.startswith(f"<{fault}: ")


#: What each library raises for each fault, as docs/pytest.md lists it.
DOCUMENTED: dict[str, dict[str, type[BaseException]]] = {
    "requests": {
        "reset": requests.ConnectionError,
        "empty": requests.ConnectionError,
        "truncate": requests.exceptions.ChunkedEncodingError,
        "hang": requests.ReadTimeout,
    },
    "httpx": {
        "reset": httpx.ReadError,
        "empty": httpx.RemoteProtocolError,
        "truncate": httpx.RemoteProtocolError,
        "hang": httpx.ReadTimeout,
    },
    "urllib": {
        "reset": ConnectionResetError,
        "empty": http.client.RemoteDisconnected,
        "truncate": http.client.IncompleteRead,
        "hang": TimeoutError,
    },
}


def _named(name: str) -> object:
    """The object a dotted name in the docs means: ``requests.ConnectionError``, ``TimeoutError``."""
    module, _, attribute = name.rpartition(".")
    if not module:
        return getattr(builtins, name)
    return getattr(importlib.import_module(module), attribute)


def test_the_docs_table_of_faults_is_this_one() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "pytest.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| `([\w.]+)` \| `([\w.]+)` \| `([\w.]+)` \|$", doc, re.M)
    assert [row[0] for row in rows] == list(FAULTS)
    table: dict[str, dict[str, object]] = {library: {} for library in DOCUMENTED}  # as read
    for fault, *names in rows:
        for library, name in zip(DOCUMENTED, names, strict=True):
            table[library][fault] = _named(name)
    assert table == DOCUMENTED


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_raises_the_documented_exception(library: str, fault: str) -> None:
    with intercept(_fault_scenario(fault)):
        raised, _ = _raised(library, sms_app.CLICKATELL)
    assert raised is DOCUMENTED[library.removesuffix("-async")][fault]


# -- other hosts ---------------------------------------------------------------------------------


def test_other_hosts_go_out_as_usual(
    library: str, httpserver: HTTPServer, clickatell: FakeClickatell
) -> None:
    httpserver.expect_request("/http/sendmsg").respond_with_data("from the loopback server")
    reply = LIBRARIES[library]("sendmsg", sms_app.CREDENTIALS, httpserver.url_for("/http"))
    assert reply == "from the loopback server"
    assert len(httpserver.log) == 1
    assert clickatell.requests == []


@pytest.mark.clickatell_intercept(strict=True)
def test_strict_mode_refuses_other_hosts(
    library: str, httpserver: HTTPServer, clickatell: FakeClickatell
) -> None:
    refused = {
        "requests": requests.ConnectionError,
        "httpx": httpx.ConnectError,
        "httpx-async": httpx.ConnectError,
        "urllib": urllib.error.URLError,
    }[library]
    with pytest.raises(
        refused,
        match=r"localhost is not intercepted, and this intercept is strict: only api\.clickatell\.com, platform\.clickatell\.com may be called",
    ):
        LIBRARIES[library]("sendmsg", sms_app.CREDENTIALS, httpserver.url_for("/http"))
    assert httpserver.log == []


@pytest.mark.clickatell_intercept(hosts=["sms-gateway.internal"], strict=True)
def test_hosts_given_are_answered_by_the_fake(library: str, clickatell: FakeClickatell) -> None:
    for url in ("http://sms-gateway.internal/http", "https://platform.clickatell.com/http"):
        assert API_MSG_ID.fullmatch(
            LIBRARIES[library](
                "sendmsg", {**sms_app.CREDENTIALS, "to": "27831234567", "text": "hi"}, url
            )
        )
    assert len(clickatell.messages) == 2


# -- byte for byte what the socket answers -------------------------------------------------------

PARAM_NAMES = ("api_id", "user", "password", "to", "text", "from", "climsgid", "concat", "unicode")
PARAM_VALUES = st.sampled_from(
    ["3442105", "demo", "secret", "27831234567", "0", "3", "1", "", "hello world", "é€", "a&b=c"]
)
COMMANDS = ("sendmsg", "auth", "ping", "querymsg", "getbalance", "getmsgcharge", "nosuch")


def _urllib_reply(url: str, data: bytes | None) -> tuple[int, str, list[tuple[str, str]], bytes]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=5) as reply:
            return reply.status, reply.reason, reply.getheaders(), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.reason, error.headers.items(), error.read()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    requests_=st.lists(
        st.tuples(
            st.sampled_from(COMMANDS),
            st.sampled_from(["GET", "POST"]),
            st.dictionaries(st.sampled_from(PARAM_NAMES), PARAM_VALUES, max_size=6),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_replies_are_the_sockets_byte_for_byte(
    requests_: list[tuple[str, str, dict[str, str]]],
) -> None:
    """The same requests to two fakes of the same frozen, seeded scenario: one over a socket,
    one intercepted; status, reason, headers and body match (urllib and httpx)."""
    scenario = {"seed": 5, "clock": {"start": 1_800_000_000, "frozen": True}}
    server = FakeServer(scenario_from_data(scenario, "<dict>")).start()
    try:
        with intercept(scenario):
            for command, method, params in requests_:
                query = urllib.parse.urlencode(params)
                data = query.encode() if method == "POST" else None
                target = f"/http/{command}" + ("" if data else f"?{query}")
                intercepted = _urllib_reply(sms_app.CLICKATELL[: -len("/http")] + target, data)
                over_socket = _urllib_reply(server.url + target, data)
                assert intercepted == over_socket
                with httpx.Client() as client:
                    fake_reply = client.request(
                        method, f"https://api.clickatell.com{target}", content=data
                    )
                    real_reply = client.request(method, server.url + target, content=data)
                assert (fake_reply.status_code, fake_reply.reason_phrase, fake_reply.content) == (
                    real_reply.status_code,
                    real_reply.reason_phrase,
                    real_reply.content,
                )
                assert fake_reply.headers.multi_items() == real_reply.headers.multi_items()
    finally:
        server.stop()
