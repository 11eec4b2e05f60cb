"""Reading a request's head (request line and headers) off a connection.

Not with ``http.server``: that module parses headers with the ``email`` package, which costs
more than a whole ``sendmsg`` in the core (see ``docs/benchmarks.md``). The reader keeps
``http.server``'s limits and answers: a request line over :data:`MAX_REQUEST_LINE` gets 414, a
header line over :data:`MAX_HEADER_LINE` or more than :data:`MAX_HEADERS` headers 431, a
malformed request line, header or version 400 or 505.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import BinaryIO

#: Longest request line accepted (a GET may carry a long message and 300 recipients).
MAX_REQUEST_LINE = 1024 * 1024
#: Longest header line accepted, and most header lines per request (``http.client``'s limits).
MAX_HEADER_LINE = 65536
MAX_HEADERS = 100

#: A header name (RFC 9110 token); anything else in a header line's name is a bad request.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(r"HTTP/(\d{1,10})\.(\d{1,10})")
_SPACE = " \t\r\n"


class BadRequest(Exception):
    """A request head the server answers with an HTTP error (``status``) and a close."""

    def __init__(self, status: HTTPStatus, method: str = "") -> None:
        super().__init__(status.phrase)
        self.status = status
        #: The request's method when known (the answer to a HEAD has no body).
        self.method = method


@dataclass(slots=True)
class RequestHead:
    """A request line and its headers, as read off the socket."""

    method: str
    target: str
    version: str
    keep_alive: bool
    headers: list[tuple[str, str]]
    #: Lower-cased name -> the first value (the headers the server itself reads).
    first: dict[str, str]


def read_request(rfile: BinaryIO) -> RequestHead | None:
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
    return RequestHead(method, target, version, keep_alive, headers, first)


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
