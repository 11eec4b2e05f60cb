"""The HTTP server streams a response the app produces bit by bit (server-sent events, files):
each chunk is written as it comes, chunked for HTTP/1.1, until the close for HTTP/1.0, and the
connection it holds counts against the server's connection limit."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from fake_clickatell.server import WSGIServer, http_server
from fake_clickatell.server.wire import Limits

#: How long a test waits for something that should happen at once (never reached when it works).
WAIT = 10.0
#: A reply far larger than any socket buffer: sending it needs a client that reads.
BIG = 64 * 1024 * 1024


class StreamingApp:
    """A WSGI app: ``/stream`` yields ``first``, waits for :attr:`release`, yields ``second``;
    ``/forever`` yields an empty chunk every 10 ms until the server stops iterating it;
    ``/sized`` streams with a Content-Length; ``/big`` answers :data:`BIG` bytes; ``/broken`` fails after its first chunk;
    anything else answers a whole body."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.closed = threading.Event()
        self.started = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        if path == "/stream":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return self._stream()
        if path == "/forever":
            start_response("200 OK", [("Content-Type", "text/event-stream")])
            return self._forever()
        if path == "/sized":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "10")])
            return iter([b"01234", b"56789"])
        if path == "/big":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"x" * BIG]
        if path == "/broken":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return self._broken()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"whole"]

    def _stream(self) -> Iterator[bytes]:
        yield b"first"
        self.release.wait(WAIT)
        yield b"second"

    def _forever(self) -> Iterator[bytes]:
        self.started.set()
        try:
            yield b"data: hello\n\n"
            while True:
                time.sleep(0.01)
                yield b""
        finally:
            self.closed.set()

    def _broken(self) -> Iterator[bytes]:
        yield b"part"
        raise RuntimeError("the app failed mid-stream")


@pytest.fixture
def app() -> StreamingApp:
    return StreamingApp()


@contextlib.contextmanager
def serving(app: StreamingApp, limits: Limits | None = None) -> Iterator[WSGIServer]:
    server = WSGIServer(app, limits=limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(WAIT)


def connect(server: WSGIServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)


def read_until(sock: socket.socket, marker: bytes, data: bytes = b"") -> bytes:
    """Read until ``marker`` has arrived (or the peer closed or reset); everything read."""
    while marker not in data:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:  # a refused connection may be reset after its 503
            break
        if not chunk:
            break
        data += chunk
    return data


def test_a_chunk_reaches_the_client_before_the_app_produced_the_next(app: StreamingApp):
    with serving(app) as server, connect(server) as sock:
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        data = read_until(sock, b"first\r\n")
        head = data.split(b"\r\n\r\n")[0].lower()
        assert b"transfer-encoding: chunked" in head
        assert b"content-length" not in head
        assert not app.release.is_set()  # the app is still waiting: nothing was buffered
        app.release.set()
        data = read_until(sock, b"0\r\n\r\n", data)
        assert data.endswith(b"5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n")


def test_the_connection_is_kept_alive_after_a_chunked_response(app: StreamingApp):
    app.release.set()
    with serving(app) as server, connect(server) as sock:
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        read_until(sock, b"0\r\n\r\n")
        sock.sendall(b"GET /whole HTTP/1.1\r\nHost: x\r\n\r\n")
        data = read_until(sock, b"whole")
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"Content-Length: 5\r\n" in data


def test_http_1_0_gets_the_stream_until_the_close(app: StreamingApp):
    app.release.set()
    with serving(app) as server, connect(server) as sock:
        sock.sendall(b"GET /stream HTTP/1.0\r\n\r\n")
        data = read_until(sock, b"\x00never")  # until the server closes
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Connection: close" in head
    assert b"Transfer-Encoding" not in head
    assert body == b"firstsecond"


def test_head_of_a_stream_sends_the_head_only_and_keeps_the_connection(app: StreamingApp):
    with serving(app) as server, connect(server) as sock:
        sock.sendall(b"HEAD /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        head = read_until(sock, b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert head.endswith(b"\r\n\r\n")  # and no body
        sock.sendall(b"GET /whole HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_until(sock, b"whole").startswith(b"HTTP/1.1 200 OK\r\n")
        assert app.closed.wait(WAIT)  # the stream was closed, never iterated past its start


def test_a_stream_with_a_content_length_is_sent_as_is(app: StreamingApp):
    with serving(app) as server, connect(server) as sock:
        sock.sendall(b"GET /sized HTTP/1.1\r\nHost: x\r\n\r\n")
        data = read_until(sock, b"56789")
        assert b"Transfer-Encoding" not in data
        assert data.endswith(b"Content-Length: 10\r\n\r\n0123456789")
        sock.sendall(b"GET /whole HTTP/1.1\r\nHost: x\r\n\r\n")  # still alive
        assert read_until(sock, b"whole").endswith(b"whole")


@pytest.mark.parametrize("dontwait", ["MSG_DONTWAIT", "none"])
def test_an_endless_stream_ends_when_its_client_goes_away(
    app: StreamingApp, dontwait: str, monkeypatch: pytest.MonkeyPatch
):
    if dontwait == "none":  # a platform without MSG_DONTWAIT: the peek makes the socket wait not
        monkeypatch.setattr(http_server, "_DONTWAIT", 0)
    with serving(app) as server:
        with connect(server) as sock:
            sock.sendall(b"GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
            read_until(sock, b"hello")
            assert server.connections == 1
        assert app.closed.wait(WAIT)  # the server stopped iterating and closed the app's body
        deadline = time.monotonic() + WAIT
        while server.connections and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.connections == 0


def test_an_endless_stream_ends_when_the_server_stops(app: StreamingApp):
    with serving(app) as server, connect(server) as sock:
        sock.sendall(b"GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        read_until(sock, b"hello")
        server.shutdown()
        assert app.closed.wait(WAIT)


def test_streams_count_against_the_connection_limit(app: StreamingApp):
    with serving(app, Limits(max_connections=2)) as server, contextlib.ExitStack() as stack:
        streams = [stack.enter_context(connect(server)) for _ in range(2)]
        for sock in streams:
            sock.sendall(b"GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
            read_until(sock, b"hello")
        with connect(server) as third:
            third.sendall(b"GET /whole HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_until(third, b"\x00never").startswith(b"HTTP/1.1 503 ")
        streams[0].close()  # one stream gone: its connection comes back
        deadline = time.monotonic() + WAIT
        while server.connections > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        with connect(server) as again:
            again.sendall(b"GET /whole HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_until(again, b"whole").startswith(b"HTTP/1.1 200 OK")


def test_an_app_failing_mid_stream_cuts_the_response_and_the_server_goes_on(app: StreamingApp):
    with serving(app) as server:
        with connect(server) as sock:
            sock.sendall(b"GET /broken HTTP/1.1\r\nHost: x\r\n\r\n")
            data = read_until(sock, b"\x00never")
        assert b"4\r\npart\r\n" in data
        assert not data.endswith(b"0\r\n\r\n")  # no last chunk: the client sees it was cut
        with connect(server) as sock:
            sock.sendall(b"GET /whole HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_until(sock, b"whole").startswith(b"HTTP/1.1 200 OK")


def test_a_client_that_never_reads_a_large_reply_is_dropped_at_the_idle_time(app: StreamingApp):
    with serving(app, Limits(idle_timeout=0.5)) as server, connect(server) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200 OK")  # the server is sending
        assert server.connections == 1
        deadline = time.monotonic() + WAIT
        while server.connections and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.connections == 0  # its writes stalled for the idle time: dropped


def test_a_client_reading_a_large_reply_slowly_is_dropped_at_the_idle_time(app: StreamingApp):
    # Each write gets a little through, so only a deadline for the whole reply ends this.
    with serving(app, Limits(idle_timeout=1.0)) as server, connect(server) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        received = len(sock.recv(512 * 1024))
        assert server.connections == 1
        deadline = time.monotonic() + WAIT
        while server.connections and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                received += len(sock.recv(512 * 1024))
            time.sleep(0.3)
        assert server.connections == 0  # the server let go long before the reply was read
        assert received < BIG
