"""Intercept mode: an app's requests to Clickatell's hosts answered by the fake in-process.

While an :func:`intercept` is active, requests that ``httpx`` (sync and async), ``requests`` and
``urllib.request`` send to ``api.clickatell.com`` or ``platform.clickatell.com`` (http or
https, and any other hosts given) never reach a socket: the fake's WSGI app answers them in the
calling thread, byte for byte what it answers over a socket. Requests to every other host go
out as usual, or, with ``strict=True``, fail as a refused connection.

The library patches go in when the first intercept starts and come out when the last one ends,
whatever the code inside raised.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, TypeVar, cast

from ..testing import FakeClickatell
from ..testing.local import InProcessBackend
from ..testing.scenarios import DEFAULT_LOADED, ScenarioLike, read_scenario
from .registry import CLICKATELL_HOSTS, Interceptor, Refused

R = TypeVar("R")


class intercept:  # lower case: used like a function, ``with intercept() as fake:``
    """Answer requests to Clickatell's hosts (and ``hosts``) with a fresh fake, in-process.

    As a context manager it gives the fake's :class:`~fake_clickatell.FakeClickatell` handle;
    as a decorator (of a function or a coroutine function) it passes the handle as the last
    positional argument, like ``unittest.mock.patch``. ``scenario`` is a path, a shipped
    scenario's name or a dict (default: open mode). With ``strict=True`` requests to any other
    host fail as a refused connection.
    """

    def __init__(
        self,
        scenario: ScenarioLike | None = None,
        *,
        hosts: Iterable[str] = (),
        strict: bool = False,
    ) -> None:
        self._loaded = DEFAULT_LOADED if scenario is None else read_scenario(scenario)
        self._hosts = tuple(hosts)
        self._strict = strict
        self._running: list[tuple[Interceptor, InProcessBackend]] = []

    def __enter__(self) -> FakeClickatell:
        backend = InProcessBackend.start(self._loaded)
        interceptor = Interceptor(backend.app, self._hosts, self._strict)
        interceptor.start()
        self._running.append((interceptor, backend))
        return FakeClickatell(backend, scenario=self._loaded)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        interceptor, backend = self._running.pop()
        try:
            interceptor.stop()
        finally:
            backend.close()

    def __call__(self, function: Callable[..., R]) -> Callable[..., R]:
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self as fake:
                    return await function(*args, fake, **kwargs)

            return cast(Callable[..., R], run_async)

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> R:
            with self as fake:
                return function(*args, fake, **kwargs)

        return run


__all__ = ["CLICKATELL_HOSTS", "Interceptor", "Refused", "intercept"]
