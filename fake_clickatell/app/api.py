"""The API adapter, in plain WSGI: HTTP in -> :class:`ApiRequest` -> gateway -> HTTP out.

Every client's hot path goes through here, so it skips Flask's request machinery (context,
routing, hooks, response objects), which costs several times what the protocol does; the admin
API (Flask) gets every other request. This module only turns a request into parameters
(byte-exact: values decoded as ISO-8859-1, first occurrence wins), takes the app's lock around
the gateway, and writes the reply; everything protocol-shaped lives in :mod:`.core`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from .core.commands import Params
from .core.config import Fault
from .core.gateway import PATHS, ApiRequest, resolve_command
from .core.journal import mask_params, mask_query
from .server import ENVIRON_FAULT, ENVIRON_SOCKET, MAX_BODY
from .state import FakeState, ServerError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

TEXT_PLAIN = "text/plain; charset=utf-8"
_FORM = "application/x-www-form-urlencoded"
_INTERNAL_ERROR = "ERR: 901, Internal error"


class TransportFault(ConnectionError):
    """A scenario's transport fault (reset, empty, truncate, hang) raised to an in-process
    caller, who has no socket to break: a client on ``httpx.WSGITransport`` or Flask's test
    client sees it as an exception.
    """

    def __init__(self, fault: Fault) -> None:
        super().__init__(f"scripted transport fault: {fault.value}")
        self.fault = fault


def _pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True, encoding="latin-1")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class ApiAdapter:
    """WSGI middleware: answers ``/http``, ``/http_batch``, ``/utils`` and ``/mms`` itself
    (every method; anything but a form POST reads the query string only, reference Part A
    §2) and hands every other path to ``fallback`` (the admin API)."""

    def __init__(self, state: FakeState, fallback: WSGIApplication) -> None:
        self.state = state
        self.fallback = fallback

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        raw_path: str = environ.get("PATH_INFO", "")
        prefix, _, rest = raw_path[1:].partition("/")
        if not raw_path.startswith("/") or prefix not in PATHS:
            return self.fallback(environ, start_response)
        method: str = environ.get("REQUEST_METHOD", "GET")
        path = raw_path.encode("latin-1").decode("utf-8", "replace")  # as werkzeug shows it
        query: str = environ.get("QUERY_STRING", "")
        state = self.state
        request = None
        try:
            request = self._request(environ, method, path, query, resolve_command(prefix, rest))
            with state.lock:
                outcome = state.gateway.handle(request)
                state.poke()
            if outcome.latency:
                state.sleep(outcome.latency)  # a scripted slow network: real time, unlocked
        except Exception as error:  # a bug in the fake: keep it, answer inside the grammar
            params = mask_params(request.params.as_dict()) if request is not None else {}
            trace = traceback.format_exc()
            masked = f"{path}?{mask_query(query)}"
            state.errors.append(ServerError(method, masked, error, trace, params))
            if state.log is not None:
                state.log(f"internal error on {method} {path}: {error!r}")
            return self._reply(start_response, environ, 200, TEXT_PLAIN, _INTERNAL_ERROR)
        if outcome.fault is Fault.GARBAGE:
            body = outcome.body.encode("latin-1")  # a 200 whose body is random bytes
            return self._reply(start_response, environ, 200, TEXT_PLAIN, body)
        if outcome.fault is not None:
            if ENVIRON_SOCKET not in environ:
                raise TransportFault(outcome.fault)
            environ[ENVIRON_FAULT] = outcome  # the server breaks the reply on the socket
        return self._reply(
            start_response, environ, outcome.status, outcome.content_type, outcome.body
        )

    @staticmethod
    def _request(
        environ: WSGIEnvironment, method: str, path: str, query: str, command: str
    ) -> ApiRequest:
        pairs = _pairs(query)
        oversized = False
        mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if method == "POST" and mimetype == _FORM:
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY:
                oversized = True  # answered 101 without reading it
            elif length > 0:
                pairs += _pairs(environ["wsgi.input"].read(length).decode("latin-1"))
        return ApiRequest(
            command=command,
            params=Params(() if oversized else pairs),
            method=method,
            path=path,
            client_ip=environ.get("REMOTE_ADDR") or "",
            oversized=oversized,
        )

    def _reply(
        self,
        start_response: StartResponse,
        environ: WSGIEnvironment,
        status: int,
        content_type: str,
        body: str | bytes,
    ) -> list[bytes]:
        data = body.encode("utf-8") if isinstance(body, str) else body
        start_response(
            f"{status} {_reason(status)}",
            [("Content-Type", content_type), ("Content-Length", str(len(data)))],
        )
        log = self.state.log
        if log is not None:
            text = body if isinstance(body, str) else body.decode("latin-1")
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
            log_line(
                log,
                environ.get("REMOTE_ADDR"),
                environ.get("REQUEST_METHOD", "GET"),
                path,
                environ.get("QUERY_STRING", ""),
                status,
                text,
            )
        return [data]


def log_line(
    log: Callable[[str], None],
    client: str | None,
    method: str,
    path: str,
    query: str,
    status: int,
    body: str,
) -> None:
    """One readable line per request: passwords masked, the reply cut to 120 characters."""
    masked = mask_query(query)
    target = path + (f"?{masked}" if masked else "")
    preview = body.replace("\n", " | ")
    if len(preview) > 120:
        preview = preview[:117] + "..."
    log(f'{client} "{method} {target}" {status} {preview}')
