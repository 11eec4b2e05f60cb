"""Requests to the JSON APIs (``/rest/...``), read for the core: method, path, raw query,
headers and body, with nothing parsed here.

The core's protocol (:mod:`..core.rest`) routes the path and parses the JSON; this adapter only
moves bytes. The body is read on every method the client sent one with (the protocol decides
which it reads) unless it is over the server's limit, which makes the request ``oversized``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.commands import Params
from ..core.request import ApiRequest
from ..server.wire import MAX_BODY

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

_NO_PARAMS = Params()


def headers_of(environ: WSGIEnvironment) -> dict[str, str]:
    """The request headers, names in lower case with dashes (``x-version``)."""
    headers = {
        key[5:].lower().replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


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
        headers=headers_of(environ),
        body=body,
        query=query,
    )
