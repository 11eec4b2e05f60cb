"""HTTP/1.1 request framing, sans-I/O: bytes in, complete requests out (or a refusal).

The parsing is llhttp's (Node.js's HTTP parser, through ``httptools``): request line, header
syntax, chunked decoding, Content-Length. It refuses what is not HTTP/1.x: control characters
in header values, a method that is not a token, ``HTTP/1.10``, chunk data not followed by CRLF,
obsolete line folding, and so on. The rules it leaves to the server are here, each a refusal
that ends the connection:

* ``Transfer-Encoding`` must be exactly ``chunked`` (one header, one coding): ``chunked`` not
  last, or twice, is malformed (400); another coding before it (``gzip, chunked``) is one this
  server does not implement (501). Anything else would read the body one way here and another
  way in a proxy in front: request smuggling.
* ``Content-Length`` together with ``Transfer-Encoding`` is refused (400).
* An HTTP/1.1 request has exactly one ``Host``; an HTTP/1.0 one at most one (400).
* Limits: a target over :attr:`Limits.max_target` bytes gets 414; a header line over
  :attr:`Limits.max_header_line` or more than :attr:`Limits.max_headers` headers 431.

A request is handed over only once its body is complete: a body cut short by a client that
goes away is never executed. A body over :attr:`Limits.max_body` is not read at all: the request
is handed over at once, marked ``too_large``, and the connection closes after its reply.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import NoReturn

import httptools

from .wire import Limits

#: The headers this server reads itself, lower-cased (names come from llhttp as bytes).
_FRAMING = frozenset({b"transfer-encoding", b"content-length", b"host", b"expect"})


class Phase(enum.Enum):
    """Where the reader stands: between requests, in a request's head, or in its body."""

    IDLE = "idle"
    HEAD = "head"
    BODY = "body"


class BadRequest(Exception):
    """A request the server answers with an HTTP error (``status``) and a close."""

    def __init__(self, status: HTTPStatus, reason: str, method: str = "") -> None:
        super().__init__(f"{status.value} {status.phrase}: {reason}")
        self.status = status
        self.reason = reason
        #: The request's method when known (the answer to a HEAD has no body).
        self.method = method


@dataclass(slots=True)
class Request:
    """One complete request, as read off the connection."""

    method: str
    #: The path, percent-encoded as sent (``/http/sendmsg``).
    path: bytes
    #: The query string as sent, without the ``?``.
    query: bytes
    #: ``"1.0"`` or ``"1.1"``.
    version: str
    #: Header lines in order, names as sent, values decoded as ISO-8859-1.
    headers: list[tuple[str, str]]
    keep_alive: bool
    body: bytes = b""
    #: The body was larger than the limit and was not read.
    too_large: bool = False


class _Stop(Exception):
    """Raised inside a parser callback to stop parsing at once (a request is ready)."""


@dataclass(slots=True)
class _Building:
    """The request being read."""

    target: bytearray = field(default_factory=bytearray)
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: The headers that frame the request (:data:`_FRAMING`), by lower-case name, in order.
    framing: list[tuple[bytes, str]] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)
    body_size: int = 0


class RequestReader:
    """Feed it the bytes of one connection; it returns each request once complete.

    It stops for good after a refusal or a request too large to read: the server closes the
    connection then, so nothing that follows on it is ever parsed, let alone executed.
    """

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._parser = httptools.HttpRequestParser(self)
        self._building: _Building | None = None
        self._ready: list[Request] = []
        self._error: BadRequest | None = None
        self.phase = Phase.IDLE
        #: Requests begun on this connection (a new one restarts the head's deadline).
        self.started = 0
        #: The request in its body phase asked for ``100 Continue`` (the server sends it).
        self.wants_continue = False
        self.closed = False

    def feed(self, data: bytes) -> list[Request]:
        """Parse ``data``; the requests it completed, in order. Raises :class:`BadRequest`."""
        if self.closed:
            return []
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # Upgrade is optional for a server (RFC 9110 §7.8): answer the request as it is,
            # then close (llhttp reads nothing after an upgrade request).
            self.closed = True
            for request in self._ready:
                request.keep_alive = False
        except httptools.HttpParserCallbackError as error:
            if not isinstance(error.__context__, _Stop):
                self._refuse_after(error)
        except httptools.HttpParserError as error:
            self._refuse_after(error)
        ready, self._ready = self._ready, []
        if ready and ready[-1].too_large:
            self.closed = True
        return ready

    def _refuse_after(self, error: Exception) -> None:
        if self._error is not None:
            raise self._error
        if "HTTP version" in str(error):  # llhttp takes only 1.0, 1.1 (and 0.9, 2.0 to refuse)
            self._refuse(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, str(error))
        self._refuse(HTTPStatus.BAD_REQUEST, f"malformed request: {error}")

    def _refuse(self, status: HTTPStatus, reason: str) -> None:
        self.closed = True
        method = ""
        if self.phase is not Phase.IDLE:
            try:
                method = self._parser.get_method().decode("latin-1")
            except httptools.HttpParserError:
                method = ""
        raise BadRequest(status, reason, method)

    def _fail(self, status: HTTPStatus, reason: str) -> NoReturn:
        """Refuse from inside a callback: remembered, then raised by :meth:`feed`."""
        self._error = BadRequest(status, reason)
        raise self._error

    # -- llhttp's callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.started += 1
        self._building = _Building()
        self.phase = Phase.HEAD
        self.wants_continue = False

    def on_url(self, url: bytes) -> None:
        assert self._building is not None
        self._building.target += url
        if len(self._building.target) > self._limits.max_target:
            self._fail(HTTPStatus.REQUEST_URI_TOO_LONG, "request target too long")

    def on_header(self, name: bytes, value: bytes) -> None:
        building = self._building
        assert building is not None
        limits = self._limits
        if len(building.headers) >= limits.max_headers:
            self._fail(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header lines")
        if len(name) + len(value) + 2 > limits.max_header_line:
            self._fail(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "a header line is too long")
        # Optional whitespace around a value is not part of it (RFC 9110 §5.5).
        text = value.decode("latin-1").strip(" \t")
        building.headers.append((name.decode("latin-1"), text))
        key = name.lower()
        if key in _FRAMING:
            building.framing.append((key, text))

    def on_headers_complete(self) -> None:
        building = self._building
        assert building is not None
        parser = self._parser
        version = parser.get_http_version()
        if version not in ("1.0", "1.1"):
            self._fail(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"HTTP/{version}")
        codings: list[str] = []
        lengths = hosts = 0
        expect = None
        declared = 0
        for key, value in building.framing:
            if key == b"transfer-encoding":
                codings.extend(token.strip().lower() for token in value.split(","))
            elif key == b"content-length":
                if not lengths:
                    declared = int(value)  # digits only: llhttp refused anything else
                lengths += 1
            elif key == b"host":
                hosts += 1
            else:  # expect
                expect = value.strip().lower()
        if codings:
            if lengths:
                self._fail(HTTPStatus.BAD_REQUEST, "both Content-Length and Transfer-Encoding")
            if codings[-1] != "chunked" or codings.count("chunked") != 1:
                self._fail(HTTPStatus.BAD_REQUEST, "Transfer-Encoding must end in one chunked")
            if len(codings) > 1:
                self._fail(HTTPStatus.NOT_IMPLEMENTED, "only the chunked transfer coding")
        if hosts > 1 or (version == "1.1" and hosts == 0):
            self._fail(HTTPStatus.BAD_REQUEST, "an HTTP/1.1 request needs exactly one Host")
        self.phase = Phase.BODY
        self.wants_continue = expect == "100-continue" and version == "1.1"
        if declared > self._limits.max_body:
            self._finish(too_large=True)
            raise _Stop

    def on_body(self, body: bytes) -> None:
        building = self._building
        assert building is not None
        building.body_size += len(body)
        if building.body_size > self._limits.max_body:
            self._finish(too_large=True)
            raise _Stop
        building.body.append(body)

    def on_message_complete(self) -> None:
        self._finish(too_large=False)

    def _finish(self, *, too_large: bool) -> None:
        building = self._building
        assert building is not None
        parser = self._parser
        target = bytes(building.target)
        if target.startswith(b"/") and b"#" not in target:
            # The origin form every client sends: split as parse_url would, in a tenth of
            # its time (llhttp has checked the characters).
            path, _, query = target.partition(b"?")
        else:
            try:
                url = httptools.parse_url(target)
            except httptools.HttpParserInvalidURLError:
                self._fail(HTTPStatus.BAD_REQUEST, "malformed request target")
            path, query = url.path or b"/", url.query or b""
        self._ready.append(
            Request(
                method=parser.get_method().decode("latin-1"),
                path=path,
                query=query,
                version=parser.get_http_version(),
                headers=building.headers,
                keep_alive=parser.should_keep_alive() and not too_large,
                body=b"" if too_large else b"".join(building.body),
                too_large=too_large,
            )
        )
        self._building = None
        self.phase = Phase.IDLE
        self.wants_continue = False
