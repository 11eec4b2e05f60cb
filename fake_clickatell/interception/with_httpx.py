"""httpx, intercepted in its network transports (``HTTPTransport.handle_request`` and
``AsyncHTTPTransport.handle_async_request``, one of the patch points respx uses): every
``httpx.Client``, ``AsyncClient`` and ``httpx.get`` that would open a connection to an
intercepted host gets the fake's answer instead. Clients built on another transport (a
``MockTransport``, a ``WSGITransport``) are left alone.

A broken reply raises what httpx raises when a real socket breaks the same way: ``ReadError``
for a reset, ``RemoteProtocolError`` for an empty or truncated reply (the truncated one when
its body is read), ``ReadTimeout`` for a hang.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import anyio.to_thread
import httpx

from .dispatch import Answer, Call
from .registry import Interceptor, Refused, route


def _route(request: httpx.Request) -> Interceptor | None:
    try:
        return route(request.url.host)
    except Refused as refused:
        raise httpx.ConnectError(str(refused), request=request) from None


def _call(request: httpx.Request, body: bytes) -> Call:
    return Call(request.method, str(request.url), request.headers.multi_items(), body)


def _response(answer: Answer, request: httpx.Request, sync: bool) -> httpx.Response:
    """httpx's response for ``answer``, or the error a broken reply raises."""
    if answer.fault == "reset":
        # Over asyncio the error comes through anyio, which gives it no message.
        text = "[Errno 104] Connection reset by peer" if sync else ""
        raise httpx.ReadError(text, request=request) from ConnectionResetError(
            104, "Connection reset by peer"
        )
    if answer.fault == "empty":
        message = "Server disconnected without sending a response."
        raise httpx.RemoteProtocolError(message, request=request)
    if answer.fault == "hang":  # the client's timeout runs out at once: no real time passes
        raise httpx.ReadTimeout("timed out" if sync else "", request=request)
    stream: httpx.ByteStream | _Truncated = httpx.ByteStream(answer.body)
    if answer.fault == "truncate":
        stream = _Truncated(answer, request)
    return httpx.Response(
        answer.status,
        headers=answer.headers,
        stream=stream,
        extensions={
            "http_version": b"HTTP/1.1",
            "reason_phrase": answer.reason.encode("latin-1"),
        },
        request=request,
    )


class _Truncated(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that stops short of its Content-Length, as h11 reports it."""

    def __init__(self, answer: Answer, request: httpx.Request) -> None:
        self._body = answer.body
        self._request = request
        self._message = (
            "peer closed connection without sending complete message body"
            f" (received {len(answer.body)} bytes, expected {answer.promised})"
        )

    def __iter__(self) -> Iterator[bytes]:
        if self._body:
            yield self._body
        raise httpx.RemoteProtocolError(self._message, request=self._request)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


def install() -> Callable[[], None]:
    """Patch httpx's transports; the undo."""
    handle = httpx.HTTPTransport.handle_request
    handle_async = httpx.AsyncHTTPTransport.handle_async_request

    def patched(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        interceptor = _route(request)
        if interceptor is None:
            return handle(self, request)
        answer = interceptor.answer(_call(request, request.read()))
        return _response(answer, request, sync=True)

    async def patched_async(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        interceptor = _route(request)
        if interceptor is None:
            return await handle_async(self, request)
        call = _call(request, await request.aread())
        # In a worker thread, as a server would: a scripted latency must not stall the loop.
        answer = await anyio.to_thread.run_sync(interceptor.answer, call)
        return _response(answer, request, sync=False)

    httpx.HTTPTransport.handle_request = patched  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = patched_async  # type: ignore[method-assign]

    def undo() -> None:
        httpx.HTTPTransport.handle_request = handle  # type: ignore[method-assign]
        httpx.AsyncHTTPTransport.handle_async_request = handle_async  # type: ignore[method-assign]

    return undo
