"""A garbage-collector policy for a long-running server: short pauses as the store grows."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable


class _FreezeSurvivors:
    """A ``gc.callbacks`` entry: after each full collection, freeze what survived it."""

    def __init__(self, thaw_every: float, clock: Callable[[], float]) -> None:
        self.thaw_every = thaw_every
        self.clock = clock
        self.thaw_at = clock() + thaw_every
        self.frozen = 0
        self.thawed = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase != "stop" or info.get("generation") != 2:
            return
        now = self.clock()
        if now >= self.thaw_at:
            self.thaw_at = now + self.thaw_every
            self.thawed += 1
            gc.unfreeze()  # the next full collection walks everything once
        else:
            self.frozen += 1
            gc.freeze()


def freeze_long_lived_objects(*, thaw_every: float = 600.0) -> Callable[[], None]:
    """Keep the garbage collector's pauses short in a long-running server; returns an undo.

    A full collection walks every object the collector tracks, and the fake keeps about two
    per stored message: as the message store grows, so does each pause (about 70 ms at
    100,000 messages on a 2-core machine: that set the p99 under load). Right after a full
    collection, every tracked object is reachable, and in this server nearly all stay so until
    a reset or a scenario load frees them by reference counting (stored messages hold no
    reference cycles). So after each full collection the survivors are frozen (``gc.freeze()``,
    which costs nothing): later collections skip them and walk only what was allocated since.
    No extra collection is made, and garbage is never frozen. Every ``thaw_every`` seconds they
    are unfrozen instead, so that one full collection walks everything: a cycle that became
    garbage while frozen is reclaimed then, not kept forever.

    For ``fake-clickatell serve``: it changes the collector of the whole process, so the
    in-process server (the pytest fixture, :class:`FakeServer`) never calls it.
    """
    callback = _FreezeSurvivors(thaw_every, time.monotonic)
    gc.callbacks.append(callback)

    def undo() -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(callback)
        gc.unfreeze()

    return undo
