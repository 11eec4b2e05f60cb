"""The HTTP/1.1 server under the app: keep-alive, odd requests over a raw socket, fast stop."""

from __future__ import annotations

import contextlib
import gc
import socket
import struct
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_clickatell import FakeServer, Scenario, create_app, load_scenario_text
from fake_clickatell.server import WSGIServer, freeze_long_lived_objects, http_server
from fake_clickatell.server.framing import BadRequest, RequestReader
from fake_clickatell.server.gc_policy import _FreezeSurvivors
from fake_clickatell.server.wire import Limits

from .support import frozen


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(frozen()) as running:
        yield running


def exchange(server: FakeServer, raw: bytes, *, timeout: float = 5) -> bytes:
    """Send raw bytes, read until the server closes the connection or the timeout."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
        return b"".join(chunks)


def split_response(data: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}
    return status, headers, body


def test_url_is_loopback_with_the_picked_port(server: FakeServer):
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.port > 0


def test_keep_alive_serves_many_requests_on_one_connection(server: FakeServer):
    request = b"GET /http/ping?session_id=x HTTP/1.1\r\nHost: t\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        for _ in range(3):
            sock.sendall(request)
            data = b""
            while not data.endswith(b"ERR: 003, Session ID expired"):
                data += sock.recv(4096)
            status, headers, body = split_response(data)
            assert status == "HTTP/1.1 200 OK"
            assert headers["content-length"] == str(len(body))
            assert "connection" not in headers


def test_connection_close_is_honoured(server: FakeServer):
    data = exchange(server, b"GET /http/ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    status, headers, body = split_response(data)
    assert (status, body) == ("HTTP/1.1 200 OK", b"ERR: 005, Missing session ID")
    assert headers["connection"] == "close"


def test_http_1_0_closes_after_the_reply(server: FakeServer):
    data = exchange(server, b"GET /http/ping HTTP/1.0\r\n\r\n")
    assert split_response(data)[2] == b"ERR: 005, Missing session ID"


def test_chunked_post_body(server: FakeServer):
    body = b"api_id=1&user=u&password=p"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    data = exchange(
        server,
        b"POST /http/auth HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked,
    )
    assert split_response(data)[2].startswith(b"OK: ")


def test_expect_100_continue(server: FakeServer):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /http/auth HTTP/1.1\r\nHost: t\r\nContent-Length: 26\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n"
        )
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(b"api_id=1&user=u&password=p")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    assert split_response(data)[2].startswith(b"OK: ")


def test_too_large_body_is_answered_in_the_grammar(server: FakeServer):
    head = (
        b"POST /http/sendmsg HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024)
    )
    data = exchange(server, head + b"to=1&text=" + b"x" * 1000)
    status, headers, body = split_response(data)
    assert (status, body) == ("HTTP/1.1 200 OK", b"ERR: 101, Invalid or missing parameters")
    assert headers["connection"] == "close"


def test_a_client_sending_all_of_a_too_large_body_still_gets_the_reply(server: FakeServer):
    # Clients send the whole body before reading (http.client, requests): the server answers
    # without reading it, and must not reset the connection under that reply when it closes.
    size = 2 * 1024 * 1024
    head = (
        b"POST /http/sendmsg HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n" % size
    )
    for _ in range(5):  # without the lingering close, a reset comes most times, not each
        data = exchange(server, head + b"to=1&text=" + b"x" * (size - 10))
        status, headers, body = split_response(data)
        assert (status, body) == ("HTTP/1.1 200 OK", b"ERR: 101, Invalid or missing parameters")
        assert headers["connection"] == "close"


@pytest.mark.parametrize(
    ("platform", "seconds", "expected"),
    [
        ("linux", 75.0, struct.pack("@ll", 75, 0)),
        ("linux", 2.5, struct.pack("@ll", 2, 500_000)),
        ("linux", 0.0, struct.pack("@ll", 0, 1)),  # never 0: that would be no limit at all
        ("win32", 2.5, struct.pack("=I", 2500)),
        ("win32", 1e-7, struct.pack("=I", 1)),
        ("linux-time64", 2.5, struct.pack("=qq", 2, 500_000)),
    ],
)
def test_socket_deadlines_in_the_form_the_kernel_takes(
    platform: str, seconds: float, expected: bytes, monkeypatch: pytest.MonkeyPatch
):
    if platform == "linux-time64":  # a 32-bit Linux built with a 64-bit time_t
        monkeypatch.setattr(socket, "SO_RCVTIMEO", 66)
        monkeypatch.setattr(http_server, "_LINUX_SO_RCVTIMEO_NEW", 66)
    else:
        monkeypatch.setattr(sys, "platform", platform)
    assert http_server._timeval(seconds) == expected


def test_head_has_no_body(server: FakeServer):
    data = exchange(server, b"HEAD /http/ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    status, headers, body = split_response(data)
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-length"] == str(len(b"ERR: 005, Missing session ID"))
    assert body == b""


def test_absolute_form_request_target(server: FakeServer):
    data = exchange(
        server,
        b"GET http://example.invalid/http/ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    assert split_response(data)[2] == b"ERR: 005, Missing session ID"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"NONSENSE\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /http/ping HTTP/9.9\r\n\r\n", "HTTP/1.1 505"),
        (b"GET /http/ping HTTP/1.1\r\nX-Long: " + b"x" * 70000 + b"\r\n\r\n", "HTTP/1.1 431"),
        (b"\x00\x01\x02\xff\r\n\r\n", "HTTP/1.1 400"),
    ],
)
def test_malformed_requests_get_http_errors_not_crashes(
    server: FakeServer, raw: bytes, status: str
):
    data = exchange(server, raw)
    assert data.decode("latin-1").startswith(status), data
    # and the server still serves
    assert (
        split_response(exchange(server, b"GET /http/ping HTTP/1.0\r\n\r\n"))[2]
        == b"ERR: 005, Missing session ID"
    )


def test_client_vanishing_mid_request_does_not_hurt(server: FakeServer):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /http/auth HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\napi_id=1")
    assert (
        split_response(exchange(server, b"GET /http/ping HTTP/1.0\r\n\r\n"))[2]
        == b"ERR: 005, Missing session ID"
    )


def test_stop_closes_idle_keep_alive_connections_and_the_listener():
    # How fast stop() is lives in benchmarks/; here: it does not wait for idle clients.
    fake = FakeServer(frozen()).start()
    port = fake.port
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)
    idle.sendall(b"GET /http/ping HTTP/1.1\r\nHost: t\r\n\r\n")
    idle.recv(4096)
    fake.stop()
    assert idle.recv(4096) == b""  # the server closed the idle connection
    idle.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


# -- the request reader ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /http/ping HTTP/1.1\r\nHost: t\r\n" + b"X-A: b\r\n" * 100 + b"\r\n", "HTTP/1.1 431"),
        (b"GET /http/ping HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /http/ping HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /http/ping HTTP/1.1\r\nHost : t\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /http/ping HTTP/1.1\r\n: empty name\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /http/ping HTTP/1.1\r\n folded first\r\n\r\n", "HTTP/1.1 400"),
        (
            b"GET /http/ping HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "HTTP/1.1 400",
        ),
        (b"GET /http/ping HTTP/1.x\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /http/ping HTTP/1\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /http/ping extra HTTP/1.1\r\n\r\n", "HTTP/1.1 400"),
        (b"GET /" + b"x" * (1024 * 1024 + 10) + b" HTTP/1.1\r\n\r\n", "HTTP/1.1 414"),
    ],
)
def test_malformed_heads_get_http_errors(server: FakeServer, raw: bytes, status: str):
    status_line, headers, body = split_response(exchange(server, raw))
    assert status_line.startswith(status)
    assert headers["connection"] == "close"
    assert body.startswith(status_line.removeprefix("HTTP/1.1 ").encode() + b": ")


def test_an_error_answering_head_has_no_body(server: FakeServer):
    data = exchange(server, b"HEAD /http/ping HTTP/1.1\r\nbroken\r\n\r\n")
    status, headers, body = split_response(data)
    assert status == "HTTP/1.1 400 Bad Request"
    assert int(headers["content-length"]) > 0
    assert body == b""


def test_the_same_content_length_twice_is_refused_too(server: FakeServer):
    # RFC 9112 section 6.3 lets a server take identical lengths as one, or refuse them: refused,
    # as llhttp does, so no front-end can read the body differently.
    body = b"api_id=1&user=u&password=p"
    data = exchange(
        server,
        b"POST /http/auth HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
        % (len(body), len(body), body),
    )
    assert split_response(data)[0] == "HTTP/1.1 400 Bad Request"


@contextlib.contextmanager
def serving(app: Any) -> Iterator[socket.socket]:
    """A bare WSGIServer for ``app``, and a connection to it; stopped afterwards."""
    server = WSGIServer(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            yield sock
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_headers_reach_the_app_as_wsgi_environ():
    seen: dict[str, str] = {}

    def app(environ, start_response):
        seen.update((k, v) for k, v in environ.items() if isinstance(v, str))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    with serving(app) as sock:
        sock.sendall(
            b"GET //double/slash?q=1 HTTP/1.1\r\nHost: t\r\n"
            b"X-Twice: a\r\nx-twice: b\r\nX-Value:   padded \t\r\nContent-Type: text/x\r\n"
            b"Connection: close\r\n\r\n"
        )
        while sock.recv(4096):
            pass
    assert seen["PATH_INFO"] == "/double/slash"
    assert seen["QUERY_STRING"] == "q=1"
    assert seen["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert seen["HTTP_X_TWICE"] == "a,b"
    assert seen["HTTP_X_VALUE"] == "padded"
    assert seen["CONTENT_TYPE"] == "text/x"
    assert "HTTP_CONTENT_TYPE" not in seen


def test_content_type_is_only_the_header_spelt_so():
    seen: list[str] = []

    def app(environ, start_response):
        seen.append(environ["CONTENT_TYPE"])
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    with serving(app) as sock:
        for lines in (
            b"Content_Type: application/json\r\n",  # an underscore: not Content-Type
            b"Content_Type: a\r\nContent-Type: b\r\n",
            b"content-type: x\r\nContent-Type: y\r\n",  # the first one
        ):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n" + lines + b"\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200 OK")
    assert seen == ["", "b", "x"]


def test_a_scripted_reset_still_resets_after_a_body_too_large_to_read():
    scenario = load_scenario_text("rules:\n  - then: {fault: reset}\n", "reset.yaml")
    with (
        FakeServer(scenario) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock,
    ):
        sock.sendall(
            b"POST /http/sendmsg HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
            b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024)
        )
        with pytest.raises(ConnectionResetError):
            sock.recv(4096)


def test_header_names_a_client_invents_reach_the_app_and_are_remembered_within_bounds():
    seen: list[dict[str, str]] = []

    def app(environ, start_response):
        seen.append({k: v for k, v in environ.items() if k.startswith("HTTP_X_")})
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    long_name = "X-" + "L" * 1000
    with serving(app) as sock:
        for batch in range(7):  # 7 x 90 names: past what the server remembers
            names = [f"X-Made-Up-{batch}-{n}" for n in range(90)] + [long_name]
            lines = "".join(f"{name}: v\r\n" for name in names)
            sock.sendall(f"GET / HTTP/1.1\r\nHost: t\r\n{lines}\r\n".encode())
            assert sock.recv(4096).startswith(b"HTTP/1.1 200 OK")
    assert [len(headers) for headers in seen] == [91] * 7
    assert seen[-1]["HTTP_X_MADE_UP_6_89"] == "v"
    assert seen[-1]["HTTP_X_" + "L" * 1000] == "v"
    kept = http_server._ENVIRON_KEYS
    assert len(kept) <= http_server._ENVIRON_KEYS_KEPT
    assert all(len(name) <= http_server._KEPT_NAME for name in kept)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=4))
def test_any_bytes_read_as_requests_or_a_bad_request(pieces: list[bytes]):
    # Whatever arrives, in whatever pieces, the reader returns requests or an HTTP error.
    reader = RequestReader(Limits())
    status = 200
    try:
        for piece in pieces:
            for request in reader.feed(piece):
                assert request.method
                assert request.version in ("1.0", "1.1")
    except BadRequest as error:
        status = error.status
        assert reader.closed
    assert status in (200, 400, 414, 431, 501, 505)


_request_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"GET /http/ping HTTP/1.1",
                b"POST /http/auth HTTP/1.0",
                b"Host: t",
                b" fold",
                b"Content-Length: 3",
                b"Transfer-Encoding: chunked",
                b"Expect: 100-continue",
                b"Connection: keep-alive",
                b"",
                b"abc",
                b"3",
                b"0",
            ]
        ),
        st.binary(max_size=40),
    ),
    max_size=8,
).map(lambda lines: b"\r\n".join(lines))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=_request_lines)
def test_any_bytes_over_the_socket_get_http_or_a_close(server: FakeServer, raw: bytes):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)  # the end of the stream ends the request, whatever it was
        data = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                data += chunk
    assert data == b"" or data.startswith(b"HTTP/1.1 ")
    assert (
        split_response(exchange(server, b"GET /http/ping HTTP/1.0\r\n\r\n"))[2]
        == b"ERR: 005, Missing session ID"
    )


# -- the collector policy of `fake-clickatell serve` --------------------------------------------


def _unfrozen_count() -> int:
    """What ``gc.get_freeze_count()`` says with nothing frozen, after a full collection:
    0 on CPython 3.10, 3.11 and 3.13, but 3.12 reports a few hundred objects of its own there."""
    gc.unfreeze()
    gc.collect()
    return gc.get_freeze_count()


def test_survivors_of_full_collections_are_frozen_and_thawed_on_schedule():
    now = [0.0]
    callback = _FreezeSurvivors(60.0, lambda: now[0])
    before = _unfrozen_count()
    try:
        callback("stop", {"generation": 1})
        callback("start", {"generation": 2})
        assert gc.get_freeze_count() == before  # only the end of a full collection freezes
        callback("stop", {"generation": 2})
        assert gc.get_freeze_count() > 0
        now[0] = 60.0
        callback("stop", {"generation": 2})
        assert gc.get_freeze_count() == 0  # thawed: the next full collection walks everything
        callback("stop", {"generation": 2})
        assert gc.get_freeze_count() > 0
        assert (callback.frozen, callback.thawed) == (2, 1)
    finally:
        gc.unfreeze()


def test_the_policy_acts_on_real_collections_and_is_undone():
    before = _unfrozen_count()
    undo = freeze_long_lived_objects(thaw_every=3600)
    try:
        gc.collect()
        assert gc.get_freeze_count() > before + 1000  # the interpreter's objects, at least
    finally:
        undo()
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gc.get_freeze_count() == before  # no longer installed


def test_stored_messages_hold_no_reference_cycles():
    # The policy relies on it: frozen messages must be freed by reference counting at reset.
    app = create_app(frozen(Scenario(default_balance=Decimal(1000))))
    client = app.test_client()
    session = client.get("/http/auth?api_id=1&user=u&password=p").get_data(as_text=True)[4:]
    flags = gc.get_debug()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage, to look at
    try:
        for n in range(50):
            to = ",".join(f"2799900{n:02d}{k:02d}" for k in range(3))
            reply = client.get(f"/http/sendmsg?session_id={session}&to={to}&text=hi&callback=3")
            assert reply.get_data(as_text=True).startswith("ID: ")
        client.post("/__admin/clock", json={"advance": 60})
        client.post("/__admin/reset")
        gc.collect()
        ours = [o for o in gc.garbage if type(o).__module__.startswith("fake_clickatell")]
    finally:
        gc.set_debug(flags)
        gc.garbage.clear()
    assert ours == []


@pytest.mark.parametrize(
    "head",
    [
        b"Transfer-Encoding: chunked\r\n\r\n-1\r\n" + b"x" * 1000,
        b"Transfer-Encoding: chunked\r\n\r\n+10\r\n" + b"x" * 16,
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"Content-Length: -5\r\n\r\n",
        b"Content-Length: 1e3\r\n\r\n",
    ],
)
def test_malformed_bodies_are_400_and_close(server: FakeServer, head: bytes):
    data = exchange(
        server,
        b"POST /http/auth HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + head,
    )
    status, headers, _ = split_response(data)
    assert status.startswith("HTTP/1.1 400")
    assert headers["connection"] == "close"
