"""Live changes: the feed the runtime tells, and ``GET /__admin/events`` (server-sent events)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from fake_clickatell import FakeServer, create_app
from fake_clickatell.app import runtime_of
from fake_clickatell.app.events import ChangeFeed, stream
from fake_clickatell.server.wire import Limits

from .support import frozen

WAIT = 10.0


class FakeMonotonic:
    """A monotonic clock the test moves; ``Condition.wait`` still waits in real time, so
    waits here are short."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# -- the feed ------------------------------------------------------------------------------------


def test_a_listener_wakes_for_a_change_and_then_idles():
    feed = ChangeFeed()
    with feed.listen() as listener:
        assert feed.listeners == 1
        assert listener.wait(0) == "idle"
        feed.changed()
        assert listener.wait(0) == "change"
        assert listener.seen == feed.version == 1
        assert listener.wait(0) == "idle"
    assert feed.listeners == 0


def test_a_change_wakes_a_waiting_listener_at_once():
    feed = ChangeFeed()
    woke: list[str] = []
    with feed.listen() as listener:
        thread = threading.Thread(target=lambda: woke.append(listener.wait(WAIT)))
        thread.start()
        feed.changed()
        thread.join(WAIT)
    assert woke == ["change"]


def test_a_change_due_by_itself_is_announced_once_when_its_time_comes():
    clock = FakeMonotonic()
    feed = ChangeFeed(clock)
    with feed.listen() as listener:
        feed.schedule(5.0)
        assert listener.wait(0) == "idle"  # not yet
        clock.now += 5.1
        assert listener.wait(0) == "due"
        assert listener.wait(0) == "idle"  # announced already
        feed.schedule(None)
        clock.now += 100
        assert listener.wait(0) == "idle"


def test_closing_the_feed_ends_every_listener():
    feed = ChangeFeed()
    with feed.listen() as listener:
        feed.close()
        assert listener.wait(WAIT) == "closed"


def test_the_stream_sends_an_event_at_once_then_after_each_change():
    feed = ChangeFeed()
    naps: list[float] = []
    chunks = stream(feed, check=0, heartbeat=0.5, sleep=naps.append)
    first = next(chunks)
    assert first.startswith(b"retry: 2000\n")
    assert first.endswith(b'event: change\ndata: {"version": 0, "why": "change"}\n\n')
    assert next(chunks) == b""  # idle: nothing written, the server checks the client
    feed.changed()
    assert next(chunks) == b'event: change\ndata: {"version": 1, "why": "change"}\n\n'
    feed.close()
    assert list(chunks) == []
    assert naps == [0.1]  # paced after each event: a burst of changes is one refresh
    assert feed.listeners == 0


def test_a_quiet_stream_sends_a_comment_every_heartbeat():
    feed = ChangeFeed()
    chunks = stream(feed, check=0.25, heartbeat=0.5, sleep=lambda _: None)
    next(chunks)
    assert [next(chunks), next(chunks)] == [b"", b": keep-alive\n\n"]
    chunks.close()  # the server closes a stream whose client left
    assert feed.listeners == 0


# -- the runtime tells the feed --------------------------------------------------------------


def test_the_runtime_tells_the_feed_only_while_someone_listens():
    app = create_app(frozen())
    runtime = runtime_of(app)
    client = app.test_client()
    client.get("/http/ping?api_id=1&user=u&password=p")
    assert runtime.changes.version == 0  # nobody listening: the hot path skipped it
    with runtime.changes.listen() as listener:
        client.get("/http/ping?api_id=1&user=u&password=p")
        assert listener.wait(0) == "change"
        client.post("/__admin/clock", json={"advance": 60})
        assert listener.wait(0) == "change"
        client.post("/__admin/reset")
        assert listener.wait(0) == "change"
        client.get("/nowhere")  # journaled outside the API
        assert listener.wait(0) == "change"


def test_a_running_clock_schedules_the_next_status_change():
    app = create_app()  # the clock runs: 003 now, 004 five seconds later
    runtime = runtime_of(app)
    runtime.changes._monotonic = clock = FakeMonotonic()
    with runtime.changes.listen() as listener:
        app.test_client().get("/http/sendmsg?api_id=1&user=u&password=p&to=27999000001&text=hi")
        assert listener.wait(0) == "change"
        assert listener.wait(0) == "idle"
        clock.now += 5.2
        assert listener.wait(0) == "due"


def test_the_stream_never_needs_the_state_lock():
    app = create_app(frozen())
    runtime = runtime_of(app)
    chunks = stream(runtime.changes, check=0, sleep=lambda _: None)
    with runtime.lock:  # held by somebody else the whole time
        assert next(chunks).startswith(b"retry:")
        assert next(chunks) == b""
        runtime.changes.changed()
        assert next(chunks).startswith(b"event: change")
    chunks.close()


# -- over a socket ------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(frozen()) as running:
        yield running


def open_stream(server: FakeServer) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    sock.sendall(b"GET /__admin/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
    data = b""
    while b"\n\n\r\n" not in data:
        data += sock.recv(65536)
    return sock, data


def next_event(sock: socket.socket) -> dict[str, int | str]:
    data = b""
    while b"\n\n\r\n" not in data:
        data += sock.recv(65536)
    line = next(line for line in data.split(b"\n") if line.startswith(b"data: "))
    parsed: dict[str, int | str] = json.loads(line.removeprefix(b"data: "))
    return parsed


def test_events_stream_while_the_api_answers(server: FakeServer):
    sock, head = open_stream(server)
    with sock:
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"Content-Type: text/event-stream; charset=utf-8\r\n" in head
        assert b"Transfer-Encoding: chunked\r\n" in head
        assert b"Cache-Control: no-store\r\n" in head
        query = "api_id=1&user=u&password=p&to=27999000001&text=hi"
        with urllib.request.urlopen(f"{server.url}/http/sendmsg?{query}", timeout=WAIT) as reply:
            assert reply.read().startswith(b"ID: ")
        assert next_event(sock) == {"version": 1, "why": "change"}


def test_event_streams_hold_connections_of_the_limit():
    with FakeServer(frozen(), limits=Limits(max_connections=1)) as server:
        sock, _ = open_stream(server)
        with sock, socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as other:
            other.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            try:
                reply = other.recv(65536)
            except ConnectionResetError:  # refused: reset after its 503
                reply = b"HTTP/1.1 503 (reset)"
            assert reply.startswith(b"HTTP/1.1 503")


def test_stopping_the_server_ends_the_streams():
    server = FakeServer(frozen()).start()
    sock, _ = open_stream(server)
    feed = runtime_of(server.app).changes
    with sock:
        server.stop()
        while sock.recv(65536):  # until the server closes the connection
            pass
    deadline = time.monotonic() + WAIT
    while feed.listeners and time.monotonic() < deadline:
        time.sleep(0.01)
    assert feed.listeners == 0
