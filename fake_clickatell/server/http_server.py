"""A small threaded HTTP/1.1 WSGI server, and the fake running in a background thread.

Why not werkzeug's development server: it closes every connection (no keep-alive by default)
and its ``shutdown()`` waits for a 0.5 s poll. This server keeps connections alive, wakes its
accept loop through a socket pair so that :meth:`WSGIServer.shutdown` returns at once, and
gives the app the raw socket (``environ["fake_clickatell.socket"]``) for scripted transport
faults.

It reads requests itself rather than with ``http.server``: that module parses headers with the
``email`` package, which cost more than a whole ``sendmsg`` in the core (see
``docs/benchmarks.md``). The reader below keeps ``http.server``'s limits and answers: a
request line over :data:`MAX_REQUEST_LINE` gets 414, a header line over
:data:`MAX_HEADER_LINE` or more than :data:`MAX_HEADERS` headers 431, a malformed request
line, header or version 400 or 505, always with ``Connection: close``; nothing a client sends
raises out of a connection's thread.
"""

from __future__ import annotations

import contextlib
import gc
import io
import re
import selectors
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote_to_bytes

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from flask import Flask

    from .core.config import Scenario

#: Longest request line accepted (a GET may carry a long message and 300 recipients).
MAX_REQUEST_LINE = 1024 * 1024
#: Longest header line accepted, and most header lines per request (``http.client``'s limits).
MAX_HEADER_LINE = 65536
MAX_HEADERS = 100
#: Largest request body read into memory; for a larger one the app sees a Content-Length over
#: this limit and an empty body (it answers without reading).
MAX_BODY = 1024 * 1024
#: Seconds an idle keep-alive connection is kept open.
IDLE_TIMEOUT = 75.0

ENVIRON_SOCKET = "fake_clickatell.socket"
#: Set by the app when a scenario rule breaks the reply: an ``Outcome`` with ``fault`` and ``body``.
ENVIRON_FAULT = "fake_clickatell.fault"

#: A header name (RFC 9110 token); anything else in a header line's name is a bad request.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(r"HTTP/(\d{1,10})\.(\d{1,10})")
_SPACE = " \t\r\n"
#: Headers the server consumes: the body reaches the app de-chunked and measured.
_BODY_HEADERS = ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING")


class BadRequest(Exception):
    """A request head the server answers with an HTTP error (``status``) and a close."""

    def __init__(self, status: HTTPStatus, method: str = "") -> None:
        super().__init__(status.phrase)
        self.status = status
        #: The request's method when known (the answer to a HEAD has no body).
        self.method = method


@dataclass(slots=True)
class _Request:
    """A request line and its headers, as read off the socket."""

    method: str
    target: str
    version: str
    keep_alive: bool
    headers: list[tuple[str, str]]
    #: Lower-cased name -> the first value (the headers the server itself reads).
    first: dict[str, str]


def read_request(rfile: BinaryIO) -> _Request | None:
    """Read one request's head from ``rfile``; ``None`` at the end of the stream.

    Raises :class:`BadRequest` for anything that is not HTTP/1.x (or a GET in HTTP/0.9's
    two-word form, answered as HTTP/1.0 like ``http.server`` does).
    """
    line = rfile.readline(MAX_REQUEST_LINE + 1)
    if len(line) > MAX_REQUEST_LINE:
        raise BadRequest(HTTPStatus.REQUEST_URI_TOO_LONG)
    words = line.decode("latin-1").split()
    if not words:
        return None  # end of stream, or an empty line where a request should be: close
    version = "HTTP/1.0"
    keep_alive = False
    if len(words) == 3:
        match = _VERSION.fullmatch(words[2])
        if match is None:
            raise BadRequest(HTTPStatus.BAD_REQUEST)
        number = (int(match[1]), int(match[2]))
        if number >= (2, 0):
            raise BadRequest(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED)
        version = words[2]
        keep_alive = number >= (1, 1)
    elif len(words) != 2 or words[0] != "GET":
        raise BadRequest(HTTPStatus.BAD_REQUEST)
    method, target = words[0], words[1]
    if target.startswith("//"):
        target = "/" + target.lstrip("/")  # as http.server: never a scheme-relative path
    try:
        headers = _read_headers(rfile)
    except BadRequest as error:
        raise BadRequest(error.status, method) from None
    first: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key not in first:
            first[key] = value
        elif key == "content-length" and first[key] != value:
            # Which one is right? Guessing would let a proxy and us disagree (RFC 9112 §6.3).
            raise BadRequest(HTTPStatus.BAD_REQUEST, method)
    connection = first.get("connection", "").lower()
    if connection == "close":
        keep_alive = False
    elif connection == "keep-alive":
        keep_alive = True
    return _Request(method, target, version, keep_alive, headers, first)


def _read_headers(rfile: BinaryIO) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for _ in range(MAX_HEADERS + 1):  # every line counts, folded ones too: bounded memory
        line = rfile.readline(MAX_HEADER_LINE + 1)
        if len(line) > MAX_HEADER_LINE:
            raise BadRequest(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
        if line in (b"\r\n", b"\n", b""):
            return headers
        text = line.decode("latin-1")
        if text[0] in " \t":  # obsolete line folding: a continuation of the previous value
            if not headers:
                raise BadRequest(HTTPStatus.BAD_REQUEST)
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {text.strip(_SPACE)}")
            continue
        name, colon, value = text.partition(":")
        if not colon or _TOKEN.fullmatch(name) is None:
            raise BadRequest(HTTPStatus.BAD_REQUEST)
        headers.append((name, value.strip(_SPACE)))
    raise BadRequest(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)


class _Connection:
    """One client connection: read each request, answer it through WSGI, until it closes."""

    def __init__(self, sock: socket.socket, address: Any, server: _ConnectionOwner) -> None:
        self.connection = sock
        self.client_address = address
        self.server = server
        self.rfile: BinaryIO = sock.makefile("rb")
        self.close_connection = True

    def serve(self) -> None:
        """Answer requests until the client or the server closes the connection."""
        self.connection.settimeout(IDLE_TIMEOUT)
        try:
            while True:
                self.close_connection = True
                self._handle_one_request()
                if self.close_connection:
                    return
        except (TimeoutError, ConnectionError, OSError):
            return
        finally:
            self.rfile.close()

    def _handle_one_request(self) -> None:
        try:
            request = read_request(self.rfile)
            if request is None:
                return
            self.close_connection = not request.keep_alive
            if (
                request.first.get("expect", "").lower() == "100-continue"
                and request.version >= "HTTP/1.1"
            ):
                self.connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            body, too_large = self._read_body(request)
        except BadRequest as error:
            self._send_error(error.status, error.method)
            return
        self._run_wsgi(request, body, too_large)

    def _send_error(self, status: HTTPStatus, method: str) -> None:
        self.close_connection = True
        body = f"{status.value} {status.phrase}".encode()
        head = (
            f"HTTP/1.1 {status.value} {status.phrase}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode("latin-1")
        self.connection.sendall(head if method == "HEAD" else head + body)

    def _read_body(self, request: _Request) -> tuple[bytes, bool]:
        """The request body, de-chunked; (b"", True) when it is larger than MAX_BODY."""
        rfile = self.rfile
        if request.first.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            size = 0
            while True:
                line = rfile.readline(1024)
                size_field = line.split(b";", 1)[0].strip()
                # Hex digits only: int() would also take "-1" or "+1_0", and a negative size
                # would read the socket to its end, past every limit.
                if (
                    not size_field
                    or size_field.strip(b"0123456789abcdefABCDEF")
                    or len(size_field) > 8
                ):
                    raise BadRequest(HTTPStatus.BAD_REQUEST, request.method)
                length = int(size_field, 16)
                if length == 0:
                    while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                size += length
                if size > MAX_BODY:
                    self.close_connection = True
                    return b"", True
                chunks.append(rfile.read(length))
                rfile.readline(3)
            return b"".join(chunks), False
        declared = request.first.get("content-length") or "0"
        if not declared.isascii() or not declared.isdigit() or len(declared) > 12:
            raise BadRequest(HTTPStatus.BAD_REQUEST, request.method)  # not a length at all
        length = int(declared)
        if length > MAX_BODY:
            self.close_connection = True  # the unread body would poison the next request
            return b"", True
        return (rfile.read(length) if length else b""), False

    def _environ(self, request: _Request, body: bytes, too_large: bool) -> dict[str, Any]:
        target = request.target
        if "://" in target.split("?", 1)[0]:  # absolute-form request target
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        host, port = self.server.server_address[:2]
        client = self.client_address
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": request.version,
            "REMOTE_ADDR": client[0] if client else "",
            "REMOTE_PORT": str(client[1]) if client else "",
            "CONTENT_TYPE": request.first.get("content-type", ""),
            "CONTENT_LENGTH": str(MAX_BODY + 1) if too_large else str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            ENVIRON_SOCKET: self.connection,
        }
        for name, value in request.headers:
            key = "HTTP_" + name.upper().replace("-", "_")
            if key in _BODY_HEADERS:
                continue
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _run_wsgi(self, request: _Request, body: bytes, too_large: bool) -> None:
        environ = self._environ(request, body, too_large)
        response: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            response[:] = [status, headers]
            return lambda data: None  # the legacy write() callable: unused by Flask

        result: Iterable[bytes] = self.server.app(environ, start_response)
        try:
            payload = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = response
        outcome = environ.get(ENVIRON_FAULT)
        if outcome is not None:
            self._break_reply(outcome.fault.value, outcome.body, status, headers)
            return
        lines = [f"HTTP/1.1 {status}\r\n"]
        has_length = False
        for name, value in headers:
            if name.lower() == "content-length":
                has_length = True
            lines.append(f"{name}: {value}\r\n")
        if not has_length:
            lines.append(f"Content-Length: {len(payload)}\r\n")
        if self.close_connection:
            lines.append("Connection: close\r\n")
        lines.append("\r\n")
        head = "".join(lines).encode("latin-1")
        self.connection.sendall(head if request.method == "HEAD" else head + payload)

    def _break_reply(
        self, fault: str, body: str, status: str, headers: list[tuple[str, str]]
    ) -> None:
        """Execute a scripted transport fault; the connection never survives one."""
        self.close_connection = True
        sock = self.connection
        if fault == "reset":
            # Linger 0: close() sends a TCP RST instead of a FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif fault == "truncate":
            payload = body.encode("utf-8")
            head = "".join(
                [f"HTTP/1.1 {status}\r\n"]
                + [
                    f"{name}: {value}\r\n"
                    for name, value in headers
                    if name.lower() != "content-length"
                ]
                + [f"Content-Length: {len(payload)}\r\n\r\n"]
            )
            sock.sendall(head.encode("latin-1") + payload[: len(payload) // 2])
        elif fault == "hang":
            # Say nothing; wait for the client to give up (or the server to stop).
            sock.settimeout(None)
            try:
                while sock.recv(65536):
                    pass
            except OSError:
                pass
        # "empty": close without a byte.


class _ConnectionOwner:
    """What the handler needs from its server (typed for mypy)."""

    app: WSGIApplication
    server_address: tuple[Any, ...]


class WSGIServer(_ConnectionOwner):
    """A threaded HTTP/1.1 server for one WSGI app: a thread per connection, keep-alive."""

    def __init__(self, app: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.socket = socket.create_server((host, port), family=family, backlog=1024)
        self.socket.setblocking(False)
        self.server_address = self.socket.getsockname()
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return str(self.server_address[0])

    @property
    def port(self) -> int:
        """The port the server listens on (the one picked when asked for port 0)."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8765``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Accept connections until :meth:`shutdown`."""
        selector = selectors.DefaultSelector()
        selector.register(self.socket, selectors.EVENT_READ)
        selector.register(self._wake_r, selectors.EVENT_READ)
        try:
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    self._accept()
        finally:
            selector.close()
            self._stopped.set()

    def _accept(self) -> None:
        try:
            conn, address = self.socket.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return  # e.g. the peer reset the connection before we accepted it
        conn.setblocking(True)
        if conn.family in (socket.AF_INET, socket.AF_INET6):
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._connections.add(conn)
        thread = threading.Thread(
            target=self._serve_connection, args=(conn, address), name="fake-clickatell-conn"
        )
        thread.daemon = True
        thread.start()

    def _serve_connection(self, conn: socket.socket, address: Any) -> None:
        try:
            _Connection(conn, address, self).serve()
        except Exception:
            pass
        finally:
            with self._lock:
                self._connections.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def shutdown(self) -> None:
        """Stop accepting, close every open connection, and return at once."""
        if not self._stopping.is_set():
            self._stopping.set()
            with contextlib.suppress(OSError):
                self._wake_w.send(b"x")
        self._stopped.wait(timeout=5)
        self.socket.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._wake_r.close()
        self._wake_w.close()


class _FreezeSurvivors:
    """A ``gc.callbacks`` entry: after each full collection, freeze what survived it."""

    def __init__(self, thaw_every: float, clock: Callable[[], float]) -> None:
        self.thaw_every = thaw_every
        self.clock = clock
        self.thaw_at = clock() + thaw_every
        self.frozen = 0
        self.thawed = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase != "stop" or info.get("generation") != 2:
            return
        now = self.clock()
        if now >= self.thaw_at:
            self.thaw_at = now + self.thaw_every
            self.thawed += 1
            gc.unfreeze()  # the next full collection walks everything once
        else:
            self.frozen += 1
            gc.freeze()


def freeze_long_lived_objects(*, thaw_every: float = 600.0) -> Callable[[], None]:
    """Keep the garbage collector's pauses short in a long-running server; returns an undo.

    A full collection walks every object the collector tracks, and the fake keeps about two
    per stored message: as the message store grows, so does each pause (about 70 ms at
    100,000 messages on a 2-core machine: that set the p99 under load). Right after a full
    collection, every tracked object is reachable, and in this server nearly all stay so until
    a reset or a scenario load frees them by reference counting (stored messages hold no
    reference cycles). So after each full collection the survivors are frozen (``gc.freeze()``,
    which costs nothing): later collections skip them and walk only what was allocated since.
    No extra collection is made, and garbage is never frozen. Every ``thaw_every`` seconds they
    are unfrozen instead, so that one full collection walks everything: a cycle that became
    garbage while frozen is reclaimed then, not kept forever.

    For ``fake-clickatell serve``: it changes the collector of the whole process, so the
    in-process server (the pytest fixture, :class:`FakeServer`) never calls it.
    """
    callback = _FreezeSurvivors(thaw_every, time.monotonic)
    gc.callbacks.append(callback)

    def undo() -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(callback)
        gc.unfreeze()

    return undo


class FakeServer:
    """The fake Clickatell in a background thread on 127.0.0.1 (port 0 picks a free port).

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with FakeServer() as fake:
            httpx.get(fake.url + "/http/auth", params={...})
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        app: Flask | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        from .app import create_app
        from .core.config import DEFAULT_SCENARIO

        self._owns_app = app is None
        self.app = app or create_app(scenario or DEFAULT_SCENARIO, log=log)
        self._host = host
        self._port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL (``http://127.0.0.1:PORT``); the API is under ``url + "/http"``."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.url

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.port

    def start(self) -> FakeServer:
        """Bind and start serving in a daemon thread; returns once connections are accepted."""
        if self._server is not None:
            return self
        self._server = WSGIServer(self.app, self._host, self._port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-clickatell-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection."""
        if self._server is None:
            return
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        if self._owns_app:
            from .app import get_state

            get_state(self.app).dispatcher.close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
