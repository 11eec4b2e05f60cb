"""requests, intercepted in its transport adapter (``HTTPAdapter.send``, the patch point
``responses`` uses): every ``Session`` and ``requests.get`` that would open a connection to an
intercepted host gets the fake's answer instead.

The reply goes to urllib3 as its status, headers and body, so the response is what requests
makes of a real one (a truncated body falls short of its Content-Length, as on the wire). A
broken reply raises what requests raises when a real socket breaks the same way:
``ConnectionError`` for a reset or an empty reply, ``ChunkedEncodingError`` for a truncated one
(when its body is read), ``ReadTimeout`` for a hang.
"""

from __future__ import annotations

import http.client
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.exceptions
from urllib3.connectionpool import connection_from_url

from .dispatch import Answer, Call, read_body
from .registry import Refused, route


def _read_timeout(timeout: Any) -> Any:
    """The read timeout as urllib3 reports it, from what ``send`` was given."""
    if isinstance(timeout, tuple):
        return timeout[1]
    if isinstance(timeout, urllib3.Timeout):
        return timeout.read_timeout
    return timeout


def _raw(answer: Answer, request: requests.PreparedRequest, timeout: Any) -> urllib3.HTTPResponse:
    """urllib3's response for ``answer``, or the error a broken reply raises."""
    url = request.url or ""
    if answer.fault == "reset":
        reset = ConnectionResetError(104, "Connection reset by peer")
        aborted = urllib3.exceptions.ProtocolError("Connection aborted.", reset)
        raise requests.ConnectionError(aborted, request=request) from reset
    if answer.fault == "empty":
        gone = http.client.RemoteDisconnected("Remote end closed connection without response")
        aborted = urllib3.exceptions.ProtocolError("Connection aborted.", gone)
        raise requests.ConnectionError(aborted, request=request) from gone
    if answer.fault == "hang":  # the client's timeout runs out at once: no real time passes
        message = f"Read timed out. (read timeout={_read_timeout(timeout)})"
        late = urllib3.exceptions.ReadTimeoutError(connection_from_url(url), url, message)
        raise requests.ReadTimeout(late, request=request) from TimeoutError("timed out")
    method = request.method or "GET"
    headers = urllib3.HTTPHeaderDict(answer.headers)
    return urllib3.HTTPResponse(
        body=io.BytesIO(answer.body),
        headers=headers,
        status=answer.status,
        version=11,
        version_string="HTTP/1.1",
        reason=answer.reason,
        preload_content=False,
        decode_content=False,
        original_response=_Original(answer),  # type: ignore[arg-type]
        # A truncated body falls short of its Content-Length: urllib3 raises IncompleteRead.
        enforce_content_length=True,
        request_method=method,
        request_url=url,
    )


class _Original:
    """What requests reads from http.client's response (the headers, for cookies), without
    parsing the reply a second time."""

    def __init__(self, answer: Answer) -> None:
        self.msg = http.client.HTTPMessage()
        for name, value in answer.headers:
            self.msg[name] = value

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


def install() -> Callable[[], None]:
    """Patch requests' HTTP adapter; the undo."""
    send = requests.adapters.HTTPAdapter.send

    def patched(
        self: requests.adapters.HTTPAdapter,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        try:
            interceptor = route(urlsplit(request.url or "").hostname)
        except Refused as refused:
            raise requests.ConnectionError(str(refused), request=request) from None
        if interceptor is None:
            return send(self, request, stream, timeout, verify, cert, proxies)
        call = Call(
            request.method or "GET",
            request.url or "",
            list(request.headers.items()),
            read_body(request.body),
        )
        raw = _raw(interceptor.answer(call), request, timeout)
        return self.build_response(request, raw)

    requests.adapters.HTTPAdapter.send = patched  # type: ignore[method-assign]

    def undo() -> None:
        requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]

    return undo
