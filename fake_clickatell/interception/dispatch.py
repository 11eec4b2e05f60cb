"""One intercepted request answered by the fake's WSGI app: no socket, no thread.

Each client library's patch turns its request into a :class:`Call`, and the :class:`Answer`
back into its own response, or a broken reply (a scripted transport fault) into the error the
library raises when a real socket breaks the same way.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

from ..server.wire import BREAKS_REPLIES, BreakMode, BrokenReply

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

#: The address an intercepted request seems to come from.
CLIENT_ADDRESS = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Call:
    """A request as the client made it."""

    method: str
    url: str
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class Answer:
    """The fake's reply as the server would send it: status, reason phrase, headers, body.

    ``fault`` is set when the reply is broken: ``reset``, ``empty`` and ``hang`` carry no
    bytes at all; ``truncate`` carries a head promising ``len(promised)`` bytes and ``body``
    is the part that arrives.
    """

    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    fault: BreakMode | None = None
    promised: int = 0

    def head(self) -> bytes:
        """The status line and headers as they would cross the wire."""
        lines = [f"HTTP/1.1 {self.status} {self.reason}\r\n"]
        lines += [f"{name}: {value}\r\n" for name, value in self.headers]
        return ("".join(lines) + "\r\n").encode("latin-1")

    def wire(self) -> bytes:
        """Every byte a client's socket would read."""
        return self.head() + self.body


def environ_for(call: Call) -> dict[str, Any]:
    """The WSGI environ of ``call``, as the fake's server would build it."""
    parts = urlsplit(call.url)
    https = parts.scheme == "https"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": call.method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(parts.port or (443 if https else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT_ADDRESS,
        "CONTENT_TYPE": "",
        "CONTENT_LENGTH": str(len(call.body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https" if https else "http",
        "wsgi.input": io.BytesIO(call.body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": parts.netloc,
        BREAKS_REPLIES: True,  # the patches break replies the way the server does
    }
    for name, value in call.headers:
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key not in ("CONTENT_LENGTH", "HOST", "TRANSFER_ENCODING"):
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def call_app(app: WSGIApplication, call: Call) -> Answer:
    """Answer ``call`` with ``app``, as the fake's server would frame it."""
    response: list[Any] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        response[:] = [status, headers]
        return lambda data: None

    result: Iterable[bytes] = app(environ_for(call), start_response)
    try:
        body = b"" if isinstance(result, BrokenReply) else b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, app_headers = response
    code_text, _, reason = status.partition(" ")
    code = int(code_text)
    reason = reason or _phrase(code)
    if isinstance(result, BrokenReply):
        promised = len(result.body)
        headers = [(k, v) for k, v in app_headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(promised)))
        kept = result.body[: result.keep] if result.mode == "truncate" else b""
        return Answer(code, reason, headers, kept, result.mode, promised)
    headers = list(app_headers)
    if not any(name.lower() == "content-length" for name, _ in headers):
        headers.append(("Content-Length", str(len(body))))
    if _closes(call):  # the server says it closes when the client asked it to
        headers.append(("Connection", "close"))
    if call.method.upper() == "HEAD":
        body = b""
    return Answer(code, reason, headers, body)


def _closes(call: Call) -> bool:
    return any(
        name.lower() == "connection" and "close" in value.lower() for name, value in call.headers
    )


def read_body(data: object) -> bytes:
    """A request body as a client library holds it (bytes, text, a file, chunks), in bytes."""
    if data is None:
        return b""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    read = getattr(data, "read", None)
    if read is not None:
        return read_body(read())
    if isinstance(data, Iterable):
        return b"".join(read_body(chunk) for chunk in data)
    raise TypeError(f"cannot send a request body of type {type(data).__name__}")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
