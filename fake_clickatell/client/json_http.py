"""What the JSON APIs' client drivers share over httpx: sending one :class:`RestCall` and
handing the reply's status and body to the command's parser, blocking or awaited.

Each API's driver (:mod:`.rest_http`, :mod:`.integration_http`) says only
which headers it sends and which calls its commands make; the calls and parsers are sans-I/O
(:mod:`.rest_calls`, :mod:`.platform_calls`, :mod:`.one_api_calls`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from .._version import __version__
from .closing import AsyncClosing, SyncClosing
from .errors import TransportError
from .rest_calls import RestCall

T = TypeVar("T")


def client_options(base_url: str, headers: Mapping[str, str], timeout: float) -> dict[str, Any]:
    """httpx's options for a driver: its base URL, timeout, and the API's headers."""
    return {
        "base_url": base_url,
        "timeout": timeout,
        "headers": {
            **headers,
            "Accept": "application/json",
            "User-Agent": f"fake-clickatell-client/{__version__}",
        },
        # A plain-HTTP base URL never opens TLS: skip loading the CA bundle (~50 ms a client).
        "verify": httpx.URL(base_url).scheme != "http",
    }


def _request(http: httpx.Client | httpx.AsyncClient, call: RestCall) -> httpx.Request:
    return http.build_request(
        call.method, call.path, json=call.body, params=dict(call.query) or None
    )


def _failed(call: RestCall, error: httpx.HTTPError) -> TransportError:
    return TransportError(f"{call.method} {call.path}: {type(error).__name__}: {error}")


class SyncJsonClient(SyncClosing):
    """A blocking driver: ``_run`` sends a call and parses its reply."""

    def __init__(self, transport: httpx.BaseTransport | None, options: dict[str, Any]) -> None:
        self._http = httpx.Client(transport=transport, **options)

    def _run(self, call: RestCall, parse: Callable[[int, str], T]) -> T:
        try:
            response = self._http.send(_request(self._http, call))
        except httpx.HTTPError as error:
            raise _failed(call, error) from error
        return parse(response.status_code, response.text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self._http.base_url)!r})"


class AsyncJsonClient(AsyncClosing):
    """An asynchronous driver: ``_run`` sends a call and parses its reply, awaited."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None, options: dict[str, Any]) -> None:
        self._http = httpx.AsyncClient(transport=transport, **options)

    async def _run(self, call: RestCall, parse: Callable[[int, str], T]) -> T:
        try:
            response = await self._http.send(_request(self._http, call))
        except httpx.HTTPError as error:
            raise _failed(call, error) from error
        return parse(response.status_code, response.text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self._http.base_url)!r})"
