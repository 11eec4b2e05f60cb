"""The contract between the HTTP server and the app it serves: limits, and broken replies.

The server knows nothing of Clickatell. An app that wants a reply broken on the socket (a
scripted transport fault) returns a :class:`BrokenReply` as its WSGI response; the server tells
the app it can do that by setting :data:`BREAKS_REPLIES` in the environ. Under a WSGI server that
does not (Flask's test client, ``httpx.WSGITransport``), the app has to fail some other way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

#: Largest request body read into memory; for a larger one the app sees a Content-Length over
#: this limit and an empty body (it answers without reading).
MAX_BODY = 1024 * 1024

#: Environ key, ``True`` when the server executes a :class:`BrokenReply`.
BREAKS_REPLIES = "fake_clickatell.breaks_replies"

#: How a reply is broken: reset the connection (TCP RST), close it without a byte, send half
#: of the reply after a head that promises all of it, or say nothing until the client gives up.
BreakMode = Literal["reset", "empty", "truncate", "hang"]


@dataclass(frozen=True, slots=True)
class BrokenReply:
    """A WSGI response the server breaks instead of sending: the connection never survives it.

    ``body`` is the whole reply: ``truncate`` sends a head promising all of it, then its first
    ``keep`` bytes. The status and headers are the ones the app gave ``start_response``.
    Iterated as a plain response, it is empty.
    """

    mode: BreakMode
    body: bytes = b""
    keep: int = 0

    def __iter__(self) -> Iterator[bytes]:
        return iter(())


@dataclass(frozen=True, slots=True)
class Limits:
    """What one connection and one request may take; beyond each, an HTTP error and a close."""

    #: Connections open at once; one more gets a fast 503 and is closed.
    max_connections: int = 512
    #: Seconds from a request's first byte to the end of its head (slow heads get 408).
    head_timeout: float = 10.0
    #: Seconds from the end of a request's head to the end of its body (408).
    body_timeout: float = 30.0
    #: Seconds an idle keep-alive connection is kept open between requests, and a reply waits
    #: for a client that stopped reading it.
    idle_timeout: float = 75.0
    #: Largest request body read; a larger one is answered without being read.
    max_body: int = MAX_BODY
    #: Longest request target (a GET may carry a long message and 300 recipients): 414.
    max_target: int = 1024 * 1024
    #: Longest header line, and most header lines per request: 431.
    max_header_line: int = 65536
    max_headers: int = 100
