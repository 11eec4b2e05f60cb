"""Who may use the admin API (and every other path outside the Clickatell API).

The Clickatell API paths are answered for anyone, under any ``Host``: apps call them by any
name, as they would call Clickatell. Everything else (the admin API, the web UI) can read every
message and drive the fake, so it is guarded:

* **Host** must name this server: a loopback name (``localhost``, ``*.localhost``), an IP
  address, or a name the operator gave (``--admin-host``). A web page whose own name resolves
  to this machine (DNS rebinding) sends its own name, and gets 421.
* **Cross-site requests** cannot change state: a request other than GET, HEAD or OPTIONS whose
  ``Sec-Fetch-Site`` says another site, or (without that header) whose ``Origin`` is not this
  host, gets 403, the way Go's ``http.CrossOriginProtection`` decides. curl, the test plugin
  and scripts send neither header and pass.
* **A token**, when the server listens on anything but loopback: ``Authorization: Bearer
  <token>``, or the cookie a browser gets from the link ``/?token=<token>`` (HttpOnly,
  SameSite=Strict). Without it: 401.

Refused requests are journaled with their reason, so whoever runs the fake sees them.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: The cookie a browser keeps the admin token in.
COOKIE = "fake_clickatell_token"
#: Methods that change nothing: a cross-site one is harmless (and the token still applies).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SAME = frozenset({"same-origin", "none"})


def is_loopback(host: str) -> bool:
    """True for a loopback address or name (``127.0.0.1``, ``::1``, ``localhost``)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port (``[::1]:80`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class AdminAccess:
    """The admin API's door: a token (``None``: none needed) and the names it answers to."""

    token: str | None = None
    #: Names ``Host`` may carry besides loopback names and IP addresses.
    hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_bind(
        cls, host: str, token: str | None = None, names: Iterable[str] = ()
    ) -> AdminAccess:
        """The access a server bound to ``host`` needs: on loopback, ``token`` if given, else
        none; on any other address, ``token`` or a new random one."""
        if token is None and not is_loopback(host):
            token = secrets.token_urlsafe(24)
        allowed = {name.lower().rstrip(".") for name in names}
        if not _is_address(host.strip("[]")) and not is_loopback(host):
            allowed.add(host.lower().rstrip("."))  # the name the server was bound by
        return cls(token, frozenset(allowed))

    def host_allowed(self, header: str | None) -> bool:
        """True when a ``Host`` header names this server."""
        if not header:
            return True  # HTTP/1.0 without Host: not a browser's request
        name = _host_name(header).rstrip(".")
        return is_loopback(name) or _is_address(name) or name in self.hosts

    def token_given(self, environ: WSGIEnvironment) -> bool:
        """True when no token is needed, or the request carries it (header or cookie)."""
        if self.token is None:
            return True
        expected = self.token.encode()
        scheme, _, given = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get("HTTP_COOKIE", ""))
        except Exception:  # a malformed Cookie header carries no token
            return False
        morsel = cookie.get(COOKIE)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(), expected)


def cross_site(environ: WSGIEnvironment) -> bool:
    """True when a browser says the request comes from another site (or origin)."""
    fetch_site = environ.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in _SAME
    origin = environ.get("HTTP_ORIGIN")
    if origin is None:
        return False  # not a browser, or a same-origin request from an old one
    host = environ.get("HTTP_HOST", "").strip().lower()
    _, _, rest = origin.strip().lower().partition("://")
    return not rest or rest.rstrip("/") != host


class Door(Protocol):
    """What the guard reads and tells: the access in force now, and each refusal."""

    access: AdminAccess

    def refused(self, environ: Mapping[str, Any], status: int, reason: str) -> None:
        """A request was refused at the door with ``status``, for ``reason``."""


class AdminGuard:
    """WSGI middleware: passes a request to ``app`` only through the admin API's door.

    The door (the runtime) holds the access in force, so a server bound later can tighten it,
    and is told about each refusal (it journals them).
    """

    def __init__(self, app: WSGIApplication, door: Door) -> None:
        self.app = app
        self.door = door

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        access = self.door.access
        method = environ.get("REQUEST_METHOD", "GET")
        host = environ.get("HTTP_HOST")
        if not access.host_allowed(host):
            reason = (
                f"Host {host!r} does not name this server; start it with --admin-host NAME"
                " to answer to that name"
            )
            return self._refuse(environ, start_response, 421, "Misdirected Request", reason)
        if method not in SAFE_METHODS and cross_site(environ):
            reason = "a cross-site request may not change the fake's state"
            return self._refuse(environ, start_response, 403, "Forbidden", reason)
        link_token = self._link_token(environ)
        if link_token is not None:
            return self._sign_in(environ, start_response, link_token)
        if not access.token_given(environ):
            reason = (
                "this server needs its admin token: send 'Authorization: Bearer <token>', or"
                " open the link printed at start in a browser"
            )
            return self._refuse(environ, start_response, 401, "Unauthorized", reason)
        return self.app(environ, start_response)

    def _link_token(self, environ: WSGIEnvironment) -> str | None:
        """The token of a sign-in link (``GET /?token=...``), if this is one."""
        if self.door.access.token is None or environ.get("REQUEST_METHOD") != "GET":
            return None
        if environ.get("PATH_INFO") != "/":
            return None
        query: str = environ.get("QUERY_STRING", "")
        for name, value in parse_qsl(query):
            if name == "token":
                return value
        return None

    def _sign_in(
        self, environ: WSGIEnvironment, start_response: StartResponse, token: str
    ) -> Iterable[bytes]:
        expected = self.door.access.token
        assert expected is not None
        if not hmac.compare_digest(token.encode(), expected.encode()):
            reason = "the link's token is not this server's"
            return self._refuse(environ, start_response, 401, "Unauthorized", reason)
        # Signed in: on to the web inbox, without the token in the address bar or history.
        body = b"Signed in: see /\n"
        cookie = f"{COOKIE}={expected}; Path=/; HttpOnly; SameSite=Strict"
        start_response(
            "303 See Other",
            [
                ("Location", "/"),
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Set-Cookie", cookie),
                ("Cache-Control", "no-store"),
                ("Referrer-Policy", "no-referrer"),
            ],
        )
        return [body]

    def _refuse(
        self,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        status: int,
        phrase: str,
        reason: str,
    ) -> Iterable[bytes]:
        self.door.refused(environ, status, reason)
        body = f"{status} {phrase}: {reason}\n".encode()
        start_response(
            f"{status} {phrase}",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]
