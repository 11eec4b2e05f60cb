"""Transport faults as a real HTTP client sees them over a real socket."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator

import httpx
import pytest

from fake_clickatell import FakeServer, load_scenario_text
from fake_clickatell.core.grammar import GrammarError, parse

from .support import frozen


@pytest.fixture
def serve() -> Iterator[object]:
    servers: list[FakeServer] = []

    def start(then: str) -> FakeServer:
        text = f"seed: 1\nrules:\n  - when: {{command: getbalance}}\n    then: {then}\n"
        server = FakeServer(frozen(load_scenario_text(text, "faults.yaml"))).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


BALANCE = "/http/getbalance?api_id=1&user=u&password=p"


def test_reset_is_a_connection_error(serve):
    server = serve("{fault: reset}")
    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        httpx.get(server.url + BALANCE, timeout=5)


def test_empty_reply_is_a_protocol_error(serve):
    server = serve("{fault: empty}")
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        httpx.get(server.url + BALANCE, timeout=5)


def test_hang_ends_in_the_clients_timeout(serve):
    server = serve("{fault: hang}")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url + BALANCE, timeout=0.3)
    # the server is still well: the next request on a new connection is answered
    assert (
        httpx.get(server.url + "/http/ping?session_id=x", timeout=5).text
        == "ERR: 003, Session ID expired"
    )


def test_truncated_reply(serve):
    server = serve("{fault: truncate}")
    with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|complete message body"):
        httpx.get(server.url + BALANCE, timeout=5)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", BALANCE)
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Length") == str(len("Credit: 100.00"))  # the full reply
    with pytest.raises(http.client.IncompleteRead) as info:
        response.read()
    conn.close()
    assert info.value.partial == b"Credit:"  # 7 of the 14 bytes of "Credit: 100.00"
    with pytest.raises(GrammarError):
        parse(info.value.partial.decode())


def test_garbage_is_a_body_outside_the_grammar(serve):
    server = serve("{fault: garbage}")
    reply = httpx.get(server.url + BALANCE, timeout=5)
    assert reply.status_code == 200
    with pytest.raises((GrammarError, UnicodeDecodeError)):
        parse(reply.content.decode("utf-8"))


def test_latency_delays_the_reply(serve):
    server = serve("{latency: 0.3}")
    started = time.perf_counter()
    reply = httpx.get(server.url + BALANCE, timeout=5)
    elapsed = time.perf_counter() - started
    assert reply.text == "Credit: 100.00"
    assert elapsed >= 0.3  # a lower bound only: the fault's own promise


def test_http_status_fault(serve):
    server = serve("{http: {status: 500, body: oops}}")
    reply = httpx.get(server.url + BALANCE, timeout=5)
    assert (reply.status_code, reply.text) == (500, "oops")
