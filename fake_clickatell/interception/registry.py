"""Which interceptors are active, and the client libraries' patches while any is.

The patches go in when the first interceptor starts and come out when the last one stops
(even when the code under test raised). Each patched method asks :func:`route` where a request
goes: to an interceptor's fake, to the network as usual, or nowhere (a strict interceptor
refuses every other host).
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .dispatch import Answer, Call, call_app

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

#: Clickatell's hosts: every interceptor answers for them.
CLICKATELL_HOSTS = ("api.clickatell.com", "platform.clickatell.com")


class Refused(Exception):
    """A strict interceptor refuses a request to a host it does not answer for."""

    def __init__(self, host: str, allowed: Iterable[str]) -> None:
        super().__init__(
            f"{host} is not intercepted, and this intercept is strict: only"
            f" {', '.join(allowed)} may be called"
        )
        self.host = host


class Interceptor:
    """Answers requests to ``hosts`` (and Clickatell's) with ``app`` while active."""

    def __init__(self, app: WSGIApplication, hosts: Iterable[str] = (), strict: bool = False):
        self.app = app
        named = (host.lower().rstrip(".") for host in (*CLICKATELL_HOSTS, *hosts))
        #: The hosts it answers for, in the order given (Clickatell's first).
        self.named = tuple(dict.fromkeys(named))
        self.hosts = frozenset(self.named)
        self.strict = strict

    def answers_for(self, host: str | None) -> bool:
        """True when requests to ``host`` go to the fake."""
        return host is not None and host.lower().rstrip(".") in self.hosts

    def answer(self, call: Call) -> Answer:
        """The fake's answer (a broken one for a scripted transport fault)."""
        return call_app(self.app, call)

    def start(self) -> None:
        """Intercept from now on (the patches go in with the first interceptor)."""
        with _LOCK:
            if not _ACTIVE:
                _UNDO.extend(_install())
            _ACTIVE.append(self)

    def stop(self) -> None:
        """Stop intercepting (the patches come out with the last interceptor)."""
        with _LOCK:
            if self in _ACTIVE:
                _ACTIVE.remove(self)
            if not _ACTIVE:
                while _UNDO:
                    _UNDO.pop()()


_LOCK = threading.Lock()
_ACTIVE: list[Interceptor] = []
_UNDO: list[Callable[[], None]] = []


def route(host: str | None) -> Interceptor | None:
    """The interceptor that answers for ``host`` (the latest started first), or ``None`` for
    the network; :class:`Refused` when the latest is strict and does not answer for it."""
    with _LOCK:
        active = list(_ACTIVE)
    for interceptor in reversed(active):
        if interceptor.answers_for(host):
            return interceptor
    if active and active[-1].strict:
        raise Refused(host or "", active[-1].named)
    return None


def active() -> bool:
    """True while any interceptor is active (the patches are in)."""
    with _LOCK:
        return bool(_ACTIVE)


#: The client libraries patched when installed: library -> the module that patches it.
LIBRARIES = {
    "urllib": ".with_urllib",
    "httpx": ".with_httpx",
    "requests": ".with_requests",
}


def _install() -> list[Callable[[], None]]:
    """Patch every client library that is installed; the undos."""
    undos: list[Callable[[], None]] = []
    try:
        for library, patcher in LIBRARIES.items():
            if importlib.util.find_spec(library) is not None:
                undos.append(importlib.import_module(patcher, __package__).install())
    except BaseException:
        while undos:  # all or nothing
            undos.pop()()
        raise
    return undos
