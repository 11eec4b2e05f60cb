"""Requests to the JSON APIs (``/rest/...``), read for the core: method, path, raw query,
headers and body, with nothing parsed here.

The core's protocol (:mod:`..core.rest`) routes the path and parses the JSON; this adapter only
moves bytes. The body is read on every method the client sent one with (the protocol decides
which it reads) unless it is over the server's limit, which makes the request ``oversized``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..core.commands import Params
from ..core.request import ApiRequest
from ..server.wire import MAX_BODY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

_NO_PARAMS = Params()
#: The environ keys of the headers the JSON APIs read on every request.
_KNOWN_KEYS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-version": "HTTP_X_VERSION",
    "content-type": "CONTENT_TYPE",
}


class Headers(Mapping[str, str]):
    """The request headers of a WSGI environ, by lower-case name (``x-version``), read on
    demand: the core looks at two or three, and copying them all would cost more."""

    __slots__ = ("_environ",)

    def __init__(self, environ: WSGIEnvironment) -> None:
        self._environ = environ

    @staticmethod
    def _key(name: str) -> str:
        key = _KNOWN_KEYS.get(name)
        if key is not None:
            return key
        key = name.upper().replace("-", "_")
        return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key

    def __getitem__(self, name: str) -> str:
        value: str = self._environ[self._key(name)]
        return value

    def get(self, name: str, default: Any = None) -> Any:  # Mapping.get raises and catches
        return self._environ.get(self._key(name), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._key(name) in self._environ

    def __iter__(self) -> Iterator[str]:
        for key in self._environ:
            if key.startswith("HTTP_"):
                yield key[5:].lower().replace("_", "-")
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                yield key.lower().replace("_", "-")

    def __len__(self) -> int:
        return sum(1 for _ in self)


def json_request(
    environ: WSGIEnvironment, method: str, path: str, query: str, api: str
) -> ApiRequest:
    """The :class:`ApiRequest` of one request to a JSON API."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    oversized = length > MAX_BODY
    body = environ["wsgi.input"].read(length) if 0 < length <= MAX_BODY else b""
    return ApiRequest(
        command=path,
        params=_NO_PARAMS,
        method=method,
        path=path,
        client_ip=environ.get("REMOTE_ADDR") or "",
        oversized=oversized,
        api=api,
        headers=Headers(environ),
        body=body,
        query=query,
    )
