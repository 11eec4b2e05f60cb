"""A small threaded HTTP/1.1 WSGI server: keep-alive, an immediate shutdown, broken replies.

Why not werkzeug's development server: it closes every connection (no keep-alive by default)
and its ``shutdown()`` waits for a 0.5 s poll. This server keeps connections alive, wakes its
accept loop through a socket pair so that :meth:`WSGIServer.shutdown` returns at once, and
executes the :class:`~.wire.BrokenReply` an app returns (scripted transport faults). Whatever
a client sends, an HTTP error and a close is the worst it gets: nothing raises out of a
connection's thread.
"""

from __future__ import annotations

import contextlib
import io
import selectors
import socket
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote_to_bytes

from .request_head import BadRequest, RequestHead, read_request
from .wire import BREAKS_REPLIES, MAX_BODY, BrokenReply

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

#: Seconds an idle keep-alive connection is kept open.
IDLE_TIMEOUT = 75.0

#: Headers the server consumes: the body reaches the app de-chunked and measured.
_BODY_HEADERS = ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING")


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

    def _read_body(self, request: RequestHead) -> tuple[bytes, bool]:
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

    def _environ(self, request: RequestHead, body: bytes, too_large: bool) -> dict[str, Any]:
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
            BREAKS_REPLIES: True,
        }
        for name, value in request.headers:
            key = "HTTP_" + name.upper().replace("-", "_")
            if key in _BODY_HEADERS:
                continue
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _run_wsgi(self, request: RequestHead, body: bytes, too_large: bool) -> None:
        environ = self._environ(request, body, too_large)
        response: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            response[:] = [status, headers]
            return lambda data: None  # the legacy write() callable: unused by Flask

        result: Iterable[bytes] = self.server.app(environ, start_response)
        try:
            payload = b"" if isinstance(result, BrokenReply) else b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = response
        if isinstance(result, BrokenReply):
            self._break_reply(result, status, headers)
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
        self, broken: BrokenReply, status: str, headers: list[tuple[str, str]]
    ) -> None:
        """Execute a scripted transport fault; the connection never survives one."""
        self.close_connection = True
        sock = self.connection
        fault = broken.mode
        if fault == "reset":
            # Linger 0: close() sends a TCP RST instead of a FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif fault == "truncate":
            payload = broken.body
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
