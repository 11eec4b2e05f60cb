"""Hostile HTTP over a raw socket: whatever is cut short, smuggled or malformed never runs.

Each case sends bytes a careless network or an attacker would, then checks two things: what
the server answered (an HTTP error and a close, or nothing), and that the fake's state shows no
trace of the request hidden in them (no message, no journal entry). Traffic goes to 127.0.0.1
only, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest

from fake_clickatell import FakeServer
from fake_clickatell.app import runtime_of
from fake_clickatell.server import Limits, WSGIServer

from .support import frozen

#: A request whose running would leave a message behind: the one every attack tries to sneak in.
SMUGGLED = (
    b"GET /http/sendmsg?api_id=1&user=u&password=p&to=27999000001&text=smuggled HTTP/1.1\r\n"
    b"Host: t\r\n\r\n"
)
FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer(frozen(), limits=Limits(head_timeout=0.5, body_timeout=0.5)) as server:
        yield server


def talk(server: FakeServer, raw: bytes, *, half_close: bool = False) -> bytes:
    """Send ``raw``; everything the server sends back until it closes (or 5 s pass)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def status_line(data: bytes) -> str:
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def replies(data: bytes) -> int:
    """How many HTTP replies ``data`` holds (status lines; a body may mention HTTP/1.1)."""
    return len(re.findall(rb"(?:\A|\r\n\r\n)HTTP/1\.1 [0-9]{3} ", data))


def assert_nothing_ran(server: FakeServer) -> None:
    runtime = runtime_of(server.app)
    assert runtime.messages()["messages"] == []
    commands = [entry["command"] for entry in runtime.journal()["requests"]]
    assert "sendmsg" not in commands, commands


# -- a body cut short ---------------------------------------------------------------------------


def test_a_body_shorter_than_its_content_length_is_never_executed(fake: FakeServer):
    body = b"api_id=1&user=u&password=p&to=27999000001&text=the+whole+text+never+came"
    head = b"POST /http/sendmsg HTTP/1.1\r\nHost: t\r\n" + FORM
    raw = head + b"Content-Length: %d\r\n\r\n" % (len(body) + 21) + body
    assert talk(fake, raw, half_close=True) == b""  # the client went away: no reply, no send
    assert_nothing_ran(fake)


def test_a_chunked_body_cut_short_is_never_executed(fake: FakeServer):
    body = b"api_id=1&user=u&password=p&to=27999000001&text=hi"
    raw = (
        b"POST /http/sendmsg HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        + FORM
        + b"\r\n%x\r\n%s\r\n" % (len(body), body)  # no last chunk
    )
    assert talk(fake, raw, half_close=True) == b""
    assert_nothing_ran(fake)


def test_a_body_that_stops_coming_gets_408_after_the_body_deadline(fake: FakeServer):
    raw = b"POST /http/sendmsg HTTP/1.1\r\nHost: t\r\n" + FORM + b"Content-Length: 50\r\n\r\nto=1"
    data = talk(fake, raw)  # the connection stays open: the server's deadline ends it
    assert status_line(data) == "HTTP/1.1 408 Request Timeout"
    assert_nothing_ran(fake)


# -- request smuggling ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"Transfer-Encoding: chunked, identity\r\n", "400"),
        (b"Transfer-Encoding: gzip, chunked\r\n", "501"),
        (b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "400"),
        (b"Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n", "501"),
        (b"Transfer-Encoding:\r\n chunked\r\n", "400"),  # obsolete line folding
        (b"Transfer-Encoding: chunked\x01\r\n", "400"),  # a stray control character
        (b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "400"),
        (b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "400"),
        (b"Transfer-Encoding: x-custom\r\n", "400"),
    ],
)
def test_transfer_encodings_other_than_chunked_alone_are_refused(
    fake: FakeServer, head: bytes, status: str
):
    # A front-end that reads the body differently would see SMUGGLED as a second request.
    raw = b"POST /http/ping HTTP/1.1\r\nHost: t\r\n" + head + b"\r\n0\r\n\r\n" + SMUGGLED
    data = talk(fake, raw)
    assert status_line(data).startswith(f"HTTP/1.1 {status} ")
    assert b"Connection: close" in data
    assert replies(data) == 1
    assert_nothing_ran(fake)


def test_a_valid_chunked_body_still_works(fake: FakeServer):
    body = b"api_id=1&user=u&password=p"
    raw = (
        b"POST /http/auth HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked"
        b"\r\n" + FORM + b"\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    )
    assert talk(fake, raw).rpartition(b"\r\n\r\n")[2].startswith(b"OK: ")


# -- header hygiene -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /http/ping HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n", "400"),  # NUL
        (b"GET /http/ping HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", "400"),  # bare CR
        (b"GET /http/ping HTTP/1.1\r\n\r\n", "400"),  # HTTP/1.1 without Host
        (b"GET /http/ping HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n", "400"),  # two Hosts
        (b"G(T /http/ping HTTP/1.1\r\nHost: t\r\n\r\n", "400"),  # a method that is no token
        (b"GET /http/ping HTTP/1.10\r\nHost: t\r\n\r\n", "400"),
        (b"GET /http/ping HTTP/2.0\r\nHost: t\r\n\r\n", "505"),
        (
            b"POST /http/ping HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\nabcXY0\r\n\r\n",  # chunk data not followed by CRLF
            "400",
        ),
    ],
)
def test_malformed_requests_are_refused_and_what_follows_never_runs(
    fake: FakeServer, raw: bytes, status: str
):
    data = talk(fake, raw + SMUGGLED)
    assert status_line(data).startswith(f"HTTP/1.1 {status} ")
    assert b"Connection: close" in data
    assert replies(data) == 1
    assert_nothing_ran(fake)


def test_an_http_0_9_request_gets_408_at_the_head_deadline_not_75_seconds(fake: FakeServer):
    started = time.monotonic()
    data = talk(fake, b"GET /http/sendmsg?api_id=1&user=u&password=p&to=1&text=x\r\n")
    assert status_line(data) == "HTTP/1.1 408 Request Timeout"
    assert time.monotonic() - started < 5  # the head deadline (0.5 s here), not the idle time
    assert_nothing_ran(fake)


def test_connection_close_among_other_tokens_closes(fake: FakeServer):
    raw = b"GET /http/ping HTTP/1.1\r\nHost: t\r\nConnection: TE, close\r\nTE: trailers\r\n\r\n"
    data = talk(fake, raw + SMUGGLED)
    assert replies(data) == 1
    assert b"Connection: close" in data
    assert_nothing_ran(fake)


def test_a_path_holding_a_scheme_is_a_path_not_a_url(fake: FakeServer):
    data = talk(
        fake,
        b"GET /x://y/__admin/accounts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    assert status_line(data) == "HTTP/1.1 404 Not Found"
    assert b'"accounts"' not in data  # not the admin API's JSON


def test_an_absolute_form_target_is_answered_for_its_path(fake: FakeServer):
    raw = (
        b"GET http://api.clickatell.com/http/ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert talk(fake, raw).endswith(b"ERR: 005, Missing session ID")


def test_a_header_with_a_line_break_from_the_app_is_never_written():
    def app(environ, start_response):
        start_response("200 OK", [("X-Split", "a\r\nSet-Cookie: evil=1")])
        return [b"ok"]

    server = WSGIServer(app)
    with _serving(server):
        data = _raw(server.port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status_line(data) == "HTTP/1.1 500 Internal Server Error"
    assert b"evil" not in data


def test_a_scenario_cannot_put_a_line_break_in_a_reply_head():
    from fake_clickatell import ScenarioError, load_scenario_text

    text = 'rules: [{then: {http: {status: 200, content_type: "text/plain\\r\\nX-Evil: 1"}}}]'
    with pytest.raises(ScenarioError, match=r"content_type: expected printable ASCII"):
        load_scenario_text(text, "split.yaml")


# -- resources ------------------------------------------------------------------------------------


def test_a_slowloris_head_is_cut_at_the_head_deadline(fake: FakeServer):
    head = b"GET /http/sendmsg?api_id=1&user=u&password=p&to=1&text=x HTTP/1.1\r\nHost: t\r\n"
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
        for byte in head:  # one byte every 50 ms: 3.4 s for the whole head, bounded
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            sent += 1
            time.sleep(0.05)
            sock.settimeout(0.001)
            with contextlib.suppress(TimeoutError, BlockingIOError):
                answer += sock.recv(4096)
            sock.settimeout(5)
            if answer:
                break
    assert status_line(answer) == "HTTP/1.1 408 Request Timeout"
    assert sent < len(head)  # cut off long before the head was done
    assert_nothing_ran(fake)


def test_past_the_connection_limit_a_fast_503_and_a_close():
    limits = Limits(max_connections=3)
    with FakeServer(frozen(), limits=limits) as fake:
        held = []
        try:
            for _ in range(3):  # three keep-alive clients, each served once
                sock = socket.create_connection(("127.0.0.1", fake.port), timeout=5)
                sock.sendall(b"GET /http/ping HTTP/1.1\r\nHost: t\r\n\r\n")
                assert sock.recv(4096).startswith(b"HTTP/1.1 200 OK")
                held.append(sock)
            data = _raw(fake.port, b"GET /http/ping HTTP/1.1\r\nHost: t\r\n\r\n")
            assert status_line(data) == "HTTP/1.1 503 Service Unavailable"
            assert b"Connection: close" in data
            held.pop().close()
            for _ in range(100):  # until the server has seen the close (bounded)
                data = _raw(
                    fake.port, b"GET /http/ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                )
                if status_line(data) == "HTTP/1.1 200 OK":
                    break
                time.sleep(0.01)
            assert status_line(data) == "HTTP/1.1 200 OK"
        finally:
            for sock in held:
                sock.close()


_EMFILE_SERVER = textwrap.dedent(
    """
    import resource, sys, threading
    from fake_clickatell.server import WSGIServer

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))
    server = WSGIServer(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.port, flush=True)
    sys.stdin.readline()  # the test says when to report
    print(server.exhausted, flush=True)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="counts file descriptors the Linux way")
def test_out_of_file_descriptors_the_server_backs_off_and_recovers():
    # With 40 descriptors, 60 connections exhaust them: accept() fails with EMFILE while the
    # listening socket stays readable. A loop that retried at once would fail millions of
    # times; one that backs off (10 ms doubling to 1 s) a handful.
    with subprocess.Popen(
        [sys.executable, "-c", _EMFILE_SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stdin is not None
            port = int(process.stdout.readline())
            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
            assert soft >= 200  # room on our side for the connections
            clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(60)]
            time.sleep(1.5)  # the server is out of descriptors for this long
            for client in clients:
                client.close()
            answer = b""
            for _ in range(50):  # it serves again once descriptors are free (bounded)
                with contextlib.suppress(OSError):
                    answer = _raw(port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                if answer.endswith(b"ok"):
                    break
                time.sleep(0.1)
            assert answer.endswith(b"ok")
            process.stdin.write("report\n")
            process.stdin.flush()
            exhausted = int(process.stdout.readline())
        finally:
            process.kill()
    print(f"accept() ran out of descriptors {exhausted} times in 1.5 s")
    assert 1 <= exhausted < 50


# -- helpers --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _serving(server: WSGIServer) -> Iterator[WSGIServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _raw(port: int, raw: bytes) -> bytes:
    """Send ``raw``; what comes back until the server closes (or 5 s pass)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw)
        chunks = []
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)
