"""The web UI's pages (a Flask blueprint): the inbox at ``/``, everything else under ``/__ui/``.

Each view reads its query (anything odd falls back to a default: a page never fails on its
input), builds its page under the runtime's lock (:meth:`Runtime.read`) and renders it with
Jinja outside it, autoescaped. The pages only show: every change goes through the admin API
(``/__admin/...``) from the page's script, behind the same door (:mod:`..access`), and the
pages follow the fake live through ``/__admin/events``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, render_template, request

from ..._version import __version__
from ...core.codes import STATUSES
from ...core.gateway import Gateway
from ..runtime import Runtime, runtime_of
from .messages import (
    API_NAMES,
    InboxQuery,
    build_conversations,
    build_detail,
    build_inbox,
    build_thread,
    status_text,
)
from .panels import OUTSIDE, RequestsQuery, build_control, build_requests

T = TypeVar("T")

#: Where the pages other than the inbox live (the API adapter hands these paths to Flask).
PREFIX = "/__ui"
#: Longest search text taken (longer is cut: a search is a few characters).
MAX_QUERY = 200

#: Only this server's own files, no inline script or style, no framing, no foreign forms.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

blueprint = Blueprint(
    "ui",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path=f"{PREFIX}/static",
)


def _runtime() -> Runtime:
    return runtime_of(current_app)


def _read(build: Callable[[Gateway], T]) -> tuple[dict[str, Any], T]:
    """The clock and ``build``'s view, read in one moment under the lock (``build`` may read
    the runtime's own state then too)."""
    return _runtime().read(lambda gateway: (gateway.clock_json(), build(gateway)))


def _page_arg() -> int:
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 1


def _text_arg(name: str) -> str:
    return request.args.get(name, "").strip()[:MAX_QUERY]


def _status_arg() -> int | None:
    raw = request.args.get("status", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 3 and int(raw) in STATUSES:
        return int(raw)
    return None


def _api_arg() -> str:
    """An API's name (``platform``); anything else: ``""`` (any API)."""
    raw = request.args.get("api", "")
    return raw if raw in API_NAMES else ""


def _render(template: str, status: int = 200, **context: Any) -> Response:
    return Response(render_template(template, **context), status=status, mimetype="text/html")


@blueprint.app_template_global()
def status_options() -> list[tuple[str, str]]:
    """Every message status as (``004``, its text), for the status filter."""
    return [(f"{code:03d}", status_text(code)) for code in STATUSES]


@blueprint.app_template_global()
def api_options() -> list[tuple[str, str]]:
    """Every API as (``one``, ``One API``), for the API filters."""
    return list(API_NAMES.items())


@blueprint.app_template_filter("hexdump")
def hexdump(text: str, limit: int = 4096) -> str:
    """``text``'s UTF-8 bytes as a hex dump: offset, 16 bytes in hex, and those printable."""
    data = text.encode("utf-8")
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        row = data[offset : offset + 16]
        shown = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in row)
        lines.append(f"{offset:08x}  {row.hex(' '):<47}  {shown}")
    if len(data) > limit:
        lines.append(f"... {len(data) - limit} more bytes")
    return "\n".join(lines)


@blueprint.context_processor
def _globals() -> dict[str, Any]:
    return {"version": __version__, "prefix": PREFIX}


@blueprint.after_request
def _headers(response: Response) -> Response:
    """Every UI response: a strict CSP, no sniffing, no framing; pages are never cached."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        headers["Cache-Control"] = "no-store"
    else:
        headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/")
def inbox() -> Response:
    """Every message, newest first: search, filters, pages."""
    query = InboxQuery(
        q=_text_arg("q"),
        status=_status_arg(),
        account=_text_arg("account"),
        api=_api_arg(),
        page=_page_arg(),
    )
    marks = _runtime().inbound_marks
    clock, page = _read(lambda gateway: build_inbox(gateway, query, marks))
    return _render("ui/inbox.html", view="inbox", clock=clock, inbox=page, query=query)


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    """The icon a browser asks for on any page of the fake (even a JSON one)."""
    return blueprint.send_static_file("icon.svg")


@blueprint.get(f"{PREFIX}/conversations")
def conversations() -> Response:
    """Every handset number, most recent activity first."""
    q, page_number = _text_arg("q"), _page_arg()
    marks = _runtime().inbound_marks
    clock, page = _read(lambda gateway: build_conversations(gateway, q, page_number, marks))
    return _render("ui/conversations.html", view="conversations", clock=clock, page=page)


@blueprint.get(f"{PREFIX}/conversations/<path:number>")
def thread(number: str) -> Response:
    """The messages to and from one handset, and the reply box."""
    page_number = _page_arg()
    marks = _runtime().inbound_marks
    clock, page = _read(lambda gateway: build_thread(gateway, number, page_number, marks))
    return _render("ui/thread.html", view="conversations", clock=clock, thread=page)


@blueprint.get(f"{PREFIX}/messages/<apimsgid>")
def message(apimsgid: str) -> Response:
    """One message: parts, options, status timeline, its request and reply, its callbacks."""
    clock, detail = _read(lambda gateway: build_detail(gateway, apimsgid))
    if detail is None:
        return _render(
            "ui/missing.html", 404, view="inbox", clock=clock, what="message", key=apimsgid
        )
    return _render("ui/message.html", view="inbox", clock=clock, detail=detail)


@blueprint.get(f"{PREFIX}/requests")
def requests() -> Response:
    """The request journal, newest first, filterable."""
    query = RequestsQuery(
        command=_text_arg("command"),
        status=_text_arg("status"),
        q=_text_arg("q"),
        api=_api_arg(),
        page=_page_arg(),
    )
    clock, page = _read(lambda gateway: build_requests(gateway, query))
    return _render(
        "ui/requests.html",
        view="requests",
        clock=clock,
        page=page,
        query=query,
        outside=OUTSIDE,
    )


@blueprint.get(f"{PREFIX}/control")
def control() -> Response:
    """Rules with their switches, accounts with balances, pushes with a flush."""
    page_number = _page_arg()
    clock, page = _read(lambda gateway: build_control(gateway, page_number))
    errors = len(_runtime().errors)
    return _render("ui/control.html", view="control", clock=clock, page=page, errors=errors)
