"""A small threaded HTTP/1.1 WSGI server: keep-alive, an immediate shutdown, broken replies.

Why not werkzeug's development server: it closes every connection (no keep-alive by default)
and its ``shutdown()`` waits for a 0.5 s poll. This server keeps connections alive, wakes its
accept loop through a socket pair so that :meth:`WSGIServer.shutdown` returns at once, and
executes the :class:`~.wire.BrokenReply` an app returns (scripted transport faults). Requests
are framed by :mod:`.framing` (llhttp, with this server's rules on top).

Every resource is bounded (:class:`~.wire.Limits`): connections at once (one more gets a fast
503), the time a request's head and its body may take (408), the time an idle connection is
kept. When the process runs out of file descriptors, the accept loop backs off instead of
spinning. Whatever a client sends, an HTTP error and a close is the worst it gets: nothing
raises out of a connection's thread.
"""

from __future__ import annotations

import contextlib
import errno
import io
import itertools
import select
import selectors
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from .framing import BadRequest, Phase, Request, RequestReader
from .wire import BREAKS_REPLIES, BrokenReply, Limits

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

#: Headers the server consumes: the body reaches the app de-chunked and measured.
_BODY_HEADERS = ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING")
#: accept() errors that mean "no resources now" (back off), not "this one client failed".
_EXHAUSTED = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
#: The accept loop's back-off when resources run out: from the first to the last, doubling.
_BACKOFF_FIRST, _BACKOFF_LAST = 0.01, 1.0
#: Characters no header line may carry: the app's headers are checked before they are sent.
_FORBIDDEN_IN_HEADERS = frozenset("\r\n\x00")
_RECV_SIZE = 65536
#: Replies up to this size are sent with no deadline of their own (see _Connection._send).
_ONE_SEND = 64 * 1024
#: The recv() flag for "do not wait" (where there is none, the socket is made non-blocking).
_DONTWAIT: int = getattr(socket, "MSG_DONTWAIT", 0)
#: After a reply to a body too large to read: how long, and how much more of it, is read and
#: dropped before the close (so that the close does not reset the reply away).
_LINGER_SECONDS = 2.0
_LINGER_BYTES = 16 * 1024 * 1024
#: Header name as sent -> its environ key: the same few names come on every request, and the
#: lookup costs less than building the key. Bounded (names, and their length): a client
#: inventing names fills it once, with little.
_ENVIRON_KEYS: dict[str, str] = {}
_ENVIRON_KEYS_KEPT = 512
_KEPT_NAME = 64


#: What SO_RCVTIMEO is on a 32-bit Linux built with a 64-bit time_t (the timeval it takes is
#: two 64-bit numbers there, not two longs).
_LINUX_SO_RCVTIMEO_NEW = 66 if sys.platform.startswith("linux") else -1


def _timeval(seconds: float) -> bytes:
    """``seconds`` as ``SO_RCVTIMEO`` and ``SO_SNDTIMEO`` take it (never 0: that is no limit)."""
    micros = max(1, round(seconds * 1_000_000))
    if sys.platform == "win32":
        return struct.pack("=I", -(-micros // 1000))  # a DWORD of milliseconds
    if socket.SO_RCVTIMEO == _LINUX_SO_RCVTIMEO_NEW:
        return struct.pack("=qq", *divmod(micros, 1_000_000))  # 64-bit time on a 32-bit system
    return struct.pack("@ll", *divmod(micros, 1_000_000))  # a struct timeval


def _content_length(value: str | None) -> int | None:
    """The app's Content-Length as a number (``None``: none, or not a number)."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


class _Connection:
    """One client connection: read each request, answer it through WSGI, until it closes."""

    def __init__(self, sock: socket.socket, address: Any, server: WSGIServer) -> None:
        self.sock = sock
        self.client_address = address
        self.server = server
        self.limits = server.limits
        self._recv_timeout = -1.0
        # Send and receive deadlines are the kernel's (SO_SNDTIMEO, SO_RCVTIMEO) on a
        # blocking socket: a Python timeout would poll() before every recv and send. A send
        # that moves no byte for the idle time fails, so a client that stops reading a reply
        # is dropped then.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(self.limits.idle_timeout))

    def _wait_at_most(self, seconds: float) -> None:
        """Let the next recv() wait ``seconds`` at most (set only when it changes)."""
        if seconds != self._recv_timeout:
            self._recv_timeout = seconds
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(seconds))

    def _send(self, data: bytes) -> None:
        """Send all of ``data``. SO_SNDTIMEO fails a send() that moves no byte for the idle
        time; a large reply (a long listing, a big stream chunk) also gets the idle time for the
        whole of it, or a client reading slowly but steadily would hold it for as long as it
        liked."""
        sock = self.sock
        if len(data) <= _ONE_SEND:
            sock.sendall(data)  # every API reply: no extra system call
            return
        sock.settimeout(self.limits.idle_timeout)
        try:
            sock.sendall(data)
        finally:
            sock.settimeout(None)

    def serve(self) -> None:
        """Answer requests until the client or the server closes the connection, or a deadline
        passes: the idle time between requests, or a head or body that takes too long."""
        reader = RequestReader(self.limits)
        sock = self.sock
        seen = (reader.phase, reader.started)
        deadline: float | None = None
        while not reader.closed:
            if (reader.phase, reader.started) != seen:
                seen = (reader.phase, reader.started)
                deadline = self._deadline(reader.phase)
            timeout = self.limits.idle_timeout if deadline is None else deadline - time.monotonic()
            try:
                if timeout <= 0:
                    raise TimeoutError
                self._wait_at_most(timeout)
                data = sock.recv(_RECV_SIZE)
            except (TimeoutError, BlockingIOError):
                if reader.phase is not Phase.IDLE:
                    self._send_error(HTTPStatus.REQUEST_TIMEOUT, "the request took too long")
                return
            if not data:
                return  # the client went away: a request it did not finish is never run
            try:
                requests = reader.feed(data)
            except BadRequest as error:
                self._send_error(error.status, error.reason, error.method)
                return
            if reader.wants_continue and reader.phase is Phase.BODY:
                reader.wants_continue = False
                sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            for request in requests:
                if not self._run_wsgi(request):
                    return

    def _linger(self) -> None:
        """After answering a request whose body was not read: stop writing, then read and
        drop what the client still sends (a bounded amount, for a short time) before the
        close. Closing with unread bytes would reset the connection, and a client still
        sending its body would lose the reply to that reset (RFC 9112 §9.6)."""
        sock = self.sock
        left = _LINGER_BYTES
        deadline = time.monotonic() + _LINGER_SECONDS
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
            while left > 0 and (remaining := deadline - time.monotonic()) > 0:
                self._wait_at_most(remaining)
                data = sock.recv(_RECV_SIZE)
                if not data:
                    return
                left -= len(data)

    def _deadline(self, phase: Phase) -> float | None:
        if phase is Phase.HEAD:
            return time.monotonic() + self.limits.head_timeout
        if phase is Phase.BODY:
            return time.monotonic() + self.limits.body_timeout
        return None

    def _send_error(self, status: HTTPStatus, reason: str, method: str = "") -> None:
        body = f"{status.value} {status.phrase}: {reason}\n".encode("latin-1", "replace")
        head = (
            f"HTTP/1.1 {status.value} {status.phrase}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode("latin-1")
        with contextlib.suppress(OSError):
            self._send(head if method == "HEAD" else head + body)

    def _environ(self, request: Request) -> dict[str, Any]:
        path = request.path
        if path.startswith(b"//"):
            path = b"/" + path.lstrip(b"/")  # never a scheme-relative path
        host, port = self.server.server_address[:2]
        client = self.client_address
        body = request.body
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": request.query.decode("latin-1"),
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": f"HTTP/{request.version}",
            "REMOTE_ADDR": client[0] if client else "",
            "REMOTE_PORT": str(client[1]) if client else "",
            "CONTENT_TYPE": "",
            "CONTENT_LENGTH": str(self.limits.max_body + 1 if request.too_large else len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            BREAKS_REPLIES: True,
        }
        content_type = None
        for name, value in request.headers:
            key = _ENVIRON_KEYS.get(name)
            if key is None:
                key = "HTTP_" + name.upper().replace("-", "_")
                if len(_ENVIRON_KEYS) < _ENVIRON_KEYS_KEPT and len(name) <= _KEPT_NAME:
                    _ENVIRON_KEYS[name] = key
            if key in _BODY_HEADERS:
                # The first Content-Type, spelt so: a Content_Type is no alias a proxy in
                # front would have checked.
                if content_type is None and name.lower() == "content-type":
                    content_type = environ["CONTENT_TYPE"] = value
                continue
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _run_wsgi(self, request: Request) -> bool:
        """Answer one request; False when the connection must close after it."""
        environ = self._environ(request)
        response: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            response[:] = [status, headers]
            return lambda data: None  # the legacy write() callable: unused by Flask

        result: Iterable[bytes] = self.server.app(environ, start_response)
        try:
            if isinstance(result, BrokenReply):
                status, headers = response
                self._break_reply(result, status, headers)
                return False  # broken as scripted: no lingering that would mend it
            if isinstance(result, list | tuple):
                # A whole body (every API reply): one write, head and body together.
                keep_alive = self._send_whole(request, response, b"".join(result))
            else:
                keep_alive = self._send_stream(request, response, iter(result))
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if request.too_large:
            self._linger()  # (the connection closes after it either way)
        return keep_alive

    def _head(self, response: list[Any], extra: list[str]) -> bytes | None:
        """The response head: the app's status and headers, then ``extra`` lines; ``None``
        (after a 500 is sent) when a header would carry a line break."""
        status, headers = response
        if any(_FORBIDDEN_IN_HEADERS.intersection(text) for pair in headers for text in pair):
            # The app tried to write a line break into the head (response splitting).
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "the app sent a broken header")
            return None
        lines = [f"HTTP/1.1 {status}\r\n"]
        lines += [f"{name}: {value}\r\n" for name, value in headers]
        lines += extra
        lines.append("\r\n")
        return "".join(lines).encode("latin-1")

    def _send_whole(self, request: Request, response: list[Any], payload: bytes) -> bool:
        keep_alive = request.keep_alive
        _, headers = response
        extra = []
        if not any(name.lower() == "content-length" for name, _ in headers):
            extra.append(f"Content-Length: {len(payload)}\r\n")
        if not keep_alive:
            extra.append("Connection: close\r\n")
        head = self._head(response, extra)
        if head is None:
            return False
        self._send(head if request.method == "HEAD" else head + payload)
        return keep_alive

    def _send_stream(self, request: Request, response: list[Any], chunks: Iterator[bytes]) -> bool:
        """Send a body as the app produces it (server-sent events, a file): each chunk is
        written as it comes. With a Content-Length, as is; without one, chunked for HTTP/1.1
        (the connection stays open after the last chunk) or until the close for HTTP/1.0.

        An empty chunk writes nothing: an app yields one to let the server see whether the
        client is still there, and the stream ends when it is not, or when the server stops.
        """
        first = next(chunks, b"")  # WSGI lets an app call start_response on its first chunk
        length = next(
            (value for name, value in response[1] if name.lower() == "content-length"), None
        )
        expected = _content_length(length)
        chunked = length is None and request.version == "1.1"
        keep_alive = request.keep_alive and (expected is not None or chunked)
        extra = ["Transfer-Encoding: chunked\r\n"] if chunked else []
        if not keep_alive:
            extra.append("Connection: close\r\n")
        head = self._head(response, extra)
        if head is None:
            return False
        if request.method == "HEAD":
            self._send(head)
            return keep_alive
        sent = 0
        pending = head
        for chunk in itertools.chain((first,), chunks):
            if not chunk:
                if self._gone():
                    return False
                continue
            if chunked:
                pending += b"%x\r\n%b\r\n" % (len(chunk), chunk)
            else:
                if expected is not None:
                    chunk = chunk[: expected - sent]  # never past what the head promised
                pending += chunk
            sent += len(chunk)
            self._send(pending)
            pending = b""
            if expected is None and self._gone():
                return False  # an endless stream whose client went away: stop producing
        if chunked:
            pending += b"0\r\n\r\n"
        if pending:
            self._send(pending)
        return keep_alive and (expected is None or sent == expected)

    def _gone(self) -> bool:
        """True when the server is stopping, or the client closed its side (EOF waiting)."""
        if self.server.stopping:
            return True
        sock = self.sock
        try:
            # A peek that never waits (select() fails past fd 1023).
            if _DONTWAIT:
                return sock.recv(1, socket.MSG_PEEK | _DONTWAIT) == b""
            sock.setblocking(False)
            try:
                return sock.recv(1, socket.MSG_PEEK) == b""
            finally:
                sock.setblocking(True)
        except BlockingIOError:
            return False  # nothing to read: the client is there
        except OSError:
            return True

    def _break_reply(
        self, broken: BrokenReply, status: str, headers: list[tuple[str, str]]
    ) -> None:
        """Execute a scripted transport fault; the connection never survives one."""
        sock = self.sock
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
            self._send(head.encode("latin-1") + payload[: broken.keep])
        elif fault == "hang":
            # Say nothing until the client gives up, the server stops, or the idle time
            # runs out (a hang still holds one of the server's connections).
            self._wait_at_most(self.limits.idle_timeout)
            with contextlib.suppress(OSError):
                while sock.recv(_RECV_SIZE):
                    pass
        # "empty": close without a byte.


class WSGIServer:
    """A threaded HTTP/1.1 server for one WSGI app: a thread per connection, keep-alive."""

    def __init__(
        self,
        app: WSGIApplication,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        limits: Limits | None = None,
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.limits = limits or Limits()
        self.socket = socket.create_server((host, port), family=family, backlog=1024)
        self.socket.setblocking(False)
        self.server_address = self.socket.getsockname()
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._backoff = 0.0
        #: Connections refused at the connection limit, and accept() failures for lack of
        #: resources (file descriptors, memory), since the server started.
        self.refused = 0
        self.exhausted = 0

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

    @property
    def stopping(self) -> bool:
        """True once :meth:`shutdown` was called (a streaming response ends then)."""
        return self._stopping.is_set()

    @property
    def connections(self) -> int:
        """Connections open now."""
        with self._lock:
            return len(self._connections)

    def serve_forever(self) -> None:
        """Accept connections until :meth:`shutdown`."""
        selector = selectors.DefaultSelector()
        selector.register(self.socket, selectors.EVENT_READ)
        selector.register(self._wake_r, selectors.EVENT_READ)
        try:
            while not self._stopping.is_set():
                if self._backoff:
                    # Out of resources: wait (for the back-off, or shutdown) before trying
                    # again, instead of spinning on a listening socket that stays readable.
                    ready, _, _ = select.select([self._wake_r], [], [], self._backoff)
                    if ready:
                        return
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
        except OSError as error:
            if error.errno in _EXHAUSTED:
                self.exhausted += 1
                self._backoff = min(max(self._backoff * 2, _BACKOFF_FIRST), _BACKOFF_LAST)
            return  # else: e.g. the peer reset the connection before we accepted it
        self._backoff = 0.0
        with self._lock:
            full = len(self._connections) >= self.limits.max_connections
            if not full:
                self._connections.add(conn)
        if full:
            self._refuse(conn)
            return
        conn.setblocking(True)
        if conn.family in (socket.AF_INET, socket.AF_INET6):
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        thread = threading.Thread(
            target=self._serve_connection, args=(conn, address), name="fake-clickatell-conn"
        )
        thread.daemon = True
        thread.start()

    def _refuse(self, conn: socket.socket) -> None:
        """At the connection limit: a 503 if the socket takes it at once, then close."""
        self.refused += 1
        body = b"503 Service Unavailable: too many connections\n"
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Retry-After: 1\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode("latin-1")
        with contextlib.suppress(OSError):
            conn.send(head + body)  # non-blocking: never waits on this client
        with contextlib.suppress(OSError):
            conn.close()

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
