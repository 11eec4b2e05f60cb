"""urllib.request, intercepted in its HTTP and HTTPS handlers: ``urlopen`` and every opener
built with ``build_opener`` reach the fake for the intercepted hosts.

The fake's reply is handed to ``http.client`` as the bytes a socket would have carried, so the
response, and its errors, are what urllib makes of a real one: an error status raises
``HTTPError`` as usual, a truncated reply fails with ``IncompleteRead`` when read, and a reset
or an empty reply raises what ``urlopen`` raises over a real connection.
"""

from __future__ import annotations

import http.client
import io
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .dispatch import Answer, Call, read_body
from .registry import Refused, route


class _Wire:
    """What ``http.client.HTTPResponse`` reads from: the bytes of a reply."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, mode: str, *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self._data))


def response_from(answer: Answer, method: str) -> http.client.HTTPResponse:
    """``http.client``'s response to a request ``answer`` answered (its head already read)."""
    response = http.client.HTTPResponse(_Wire(answer.wire()), method=method)  # type: ignore[arg-type]
    response.begin()
    return response


def _open(
    handler: urllib.request.BaseHandler, request: urllib.request.Request
) -> http.client.HTTPResponse | None:
    """The fake's response to ``request``, or ``None`` when it goes to the network."""
    try:
        interceptor = route(urlsplit(request.full_url).hostname)
    except Refused as refused:
        raise urllib.error.URLError(ConnectionRefusedError(111, str(refused))) from None
    if interceptor is None:
        return None
    headers = dict(request.header_items())
    parent = handler.parent
    for name, value in getattr(parent, "addheaders", ()):  # as do_open adds them
        headers.setdefault(name.capitalize(), value)
    headers["Connection"] = "close"  # urllib asks for one request per connection
    method = request.get_method()
    answer = interceptor.answer(
        Call(method, request.full_url, list(headers.items()), read_body(request.data))
    )
    if answer.fault == "reset":
        raise ConnectionResetError(104, "Connection reset by peer")
    if answer.fault == "empty":
        raise http.client.RemoteDisconnected("Remote end closed connection without response")
    if answer.fault == "hang":  # the client's timeout runs out at once: no real time passes
        raise TimeoutError("timed out")
    response = response_from(answer, method)
    # As urllib.request.AbstractHTTPHandler.do_open leaves it.
    response.url = request.get_full_url()
    response.msg = response.reason  # type: ignore[assignment]
    return response


def install() -> Callable[[], None]:
    """Patch urllib's HTTP and HTTPS handlers; the undo."""
    http_open = urllib.request.HTTPHandler.http_open
    https_open = urllib.request.HTTPSHandler.https_open

    def patched_http(self: urllib.request.HTTPHandler, req: urllib.request.Request) -> Any:
        return _open(self, req) or http_open(self, req)

    def patched_https(self: urllib.request.HTTPSHandler, req: urllib.request.Request) -> Any:
        return _open(self, req) or https_open(self, req)

    urllib.request.HTTPHandler.http_open = patched_http  # type: ignore[method-assign]
    urllib.request.HTTPSHandler.https_open = patched_https  # type: ignore[method-assign]

    def undo() -> None:
        urllib.request.HTTPHandler.http_open = http_open  # type: ignore[method-assign]
        urllib.request.HTTPSHandler.https_open = https_open  # type: ignore[method-assign]

    return undo
