"""The API adapter, in plain WSGI: HTTP in -> :class:`ApiRequest` -> runtime -> HTTP out.

Every client's hot path goes through here, so it skips Flask's request machinery (context,
routing, hooks, response objects), which costs several times what the protocol does; the admin
API (Flask) gets every other request. This module only turns a request into parameters
(byte-exact: values decoded as ISO-8859-1, first occurrence wins), takes the app's lock around
the gateway, and writes the reply; everything protocol-shaped lives in :mod:`..core`.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from ..core.commands import Params
from ..core.endpoints import API_PREFIXES, resolve_command
from ..core.gateway import PROTOCOLS, as_received
from ..core.request import TEXT_PLAIN, ApiRequest
from ..core.scenario_model import Fault
from ..server.wire import BREAKS_REPLIES, MAX_BODY, BreakMode, BrokenReply
from .json_requests import json_request
from .request_log import log_line
from .runtime import Runtime

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_FORM = "application/x-www-form-urlencoded"
#: How the server breaks the reply for each transport fault (garbage is a reply of its own).
_BREAKS: dict[Fault, BreakMode] = {
    Fault.RESET: "reset",
    Fault.EMPTY: "empty",
    Fault.TRUNCATE: "truncate",
    Fault.HANG: "hang",
}


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


#: Paths outside the API that belong to the fake itself (the admin API, its web pages): these
#: go to the guarded fallback app and are not journaled (they would drown what apps sent).
_OWN_PATHS = ("/__admin/", "/__admin", "/__ui/")
#: The web inbox (and the sign-in link, ``/?token=``), and the icon browsers ask for.
_PAGES = frozenset({"/", "/favicon.ico"})


def outside_reason(path: str) -> str:
    """Why a path outside the API is not answered (the 404's body and its journaled reason)."""
    prefixes = ", ".join(f"/{prefix}/" for prefix in API_PREFIXES)
    return (
        f"{path} is not a path of the fake: the Clickatell API is under {prefixes}"
        " (e.g. /http/sendmsg), the admin API under /__admin/"
    )


class ApiAdapter:
    """WSGI middleware: answers ``/http``, ``/http_batch``, ``/utils`` and ``/mms`` itself
    (every method; anything but a form POST reads the query string only) and the JSON APIs
    (``/rest``: :mod:`.json_requests`), hands the admin API and the web pages to
    ``fallback``, and answers every other path 404, journaled with why."""

    def __init__(self, runtime: Runtime, fallback: WSGIApplication) -> None:
        self.runtime = runtime
        self.fallback = fallback

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        raw_path: str = environ.get("PATH_INFO", "")
        prefix, _, rest = raw_path[1:].partition("/")
        api = API_PREFIXES.get(prefix)
        if not raw_path.startswith("/") or api is None:
            if raw_path.startswith(_OWN_PATHS) or raw_path in _PAGES:
                return self.fallback(environ, start_response)
            return self._not_found(environ, start_response, raw_path)
        method: str = environ.get("REQUEST_METHOD", "GET")
        path = raw_path.encode("latin-1").decode("utf-8", "replace")  # as werkzeug shows it
        query: str = environ.get("QUERY_STRING", "")
        runtime = self.runtime
        request = None
        try:
            if api == "http":
                request = self._request(environ, method, path, query, resolve_command(prefix, rest))
            else:
                request = json_request(environ, method, path, query, api)
            outcome = runtime.handle(request)
            if outcome.latency:
                runtime.sleep(outcome.latency)  # a scripted slow network: real time, unlocked
        except Exception as error:  # a bug in the fake: keep it, answer inside the grammar
            params = request.params.as_dict() if request is not None else {}
            trace = traceback.format_exc()
            runtime.record_error(error, trace, method=method, path=path, query=query, params=params)
            reason = f"the fake failed: {error!r} (GET /__admin/errors has the traceback)"
            protocol = PROTOCOLS[api]
            failed_status, failure = protocol.failure
            runtime.outside(environ, failed_status, failure, reason, api)
            return self._respond(
                start_response, failed_status, protocol.content_type, failure.encode()
            )
        status, shown = as_received(outcome)
        self._log(environ, status, shown, outcome.reason)
        if outcome.fault is Fault.GARBAGE:
            garbage = outcome.body.encode("latin-1")  # a 200 whose body is random bytes
            return self._respond(start_response, 200, TEXT_PLAIN, garbage)
        body = outcome.body.encode("utf-8")
        if outcome.fault is not None:
            if not environ.get(BREAKS_REPLIES):
                raise TransportFault(outcome.fault)
            self._respond(start_response, outcome.status, outcome.content_type, body)
            return BrokenReply(_BREAKS[outcome.fault], body, outcome.cut_at or 0)
        return self._respond(start_response, outcome.status, outcome.content_type, body)

    def _not_found(
        self, environ: WSGIEnvironment, start_response: StartResponse, raw_path: str
    ) -> list[bytes]:
        path = raw_path.encode("latin-1").decode("utf-8", "replace")
        reason = outside_reason(path)
        body = f"404 Not Found: {reason}\n"
        self.runtime.outside(environ, 404, body, reason)
        return self._respond(start_response, 404, TEXT_PLAIN, body.encode("utf-8"))

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

    @staticmethod
    def _respond(
        start_response: StartResponse, status: int, content_type: str, data: bytes
    ) -> list[bytes]:
        start_response(
            f"{status} {_reason(status)}",
            [("Content-Type", content_type), ("Content-Length", str(len(data)))],
        )
        return [data]

    def _log(
        self, environ: WSGIEnvironment, status: int | None, body: str, reason: str | None
    ) -> None:
        log = self.runtime.log
        if log is not None:
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
            log_line(
                log,
                environ.get("REMOTE_ADDR"),
                environ.get("REQUEST_METHOD", "GET"),
                path,
                environ.get("QUERY_STRING", ""),
                status,
                body,
                reason,
            )
