"""What one running fake owns, shared by its API adapter and its admin API."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .core.gateway import Gateway
from .dispatch import Dispatcher

if TYPE_CHECKING:
    from flask import Flask

EXTENSION = "fake_clickatell"


@dataclass(frozen=True, slots=True)
class ServerError:
    """An exception raised while handling a request, kept so a test can re-raise it."""

    method: str
    path: str
    error: BaseException
    traceback: str
    #: The request's parameters (query and form), passwords masked.
    params: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view (the admin API's shape)."""
        return {
            "method": self.method,
            "path": self.path,
            "error": repr(self.error),
            "traceback": self.traceback,
            "params": dict(self.params),
        }


@dataclass
class FakeState:
    """What one app owns: its gateway, the lock that makes each request atomic, its errors,
    and the dispatcher that sends its pushes."""

    gateway: Gateway
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[ServerError] = field(default_factory=list)
    log: Callable[[str], None] | None = None
    sleep: Callable[[float], None] = time.sleep
    dispatcher: Dispatcher = field(init=False)

    def __post_init__(self) -> None:
        self.dispatcher = Dispatcher(self)

    def poke(self) -> None:
        """Wake the dispatcher when pushes are waiting (call with the lock held)."""
        if len(self.gateway.outbox):
            self.dispatcher.wake()


def get_state(app: Flask) -> FakeState:
    """The :class:`FakeState` of an app made by :func:`create_app`."""
    state: FakeState = app.extensions[EXTENSION]
    return state
