"""Live changes: the feed the runtime tells of every change, and the event stream that carries
them to browsers (``GET /__admin/events``, server-sent events).

Theory of operation
-------------------
* The runtime calls :meth:`ChangeFeed.changed` after each operation that changed the fake
  (a request answered, the clock moved, a push reported, ...), with the lock held, but only
  while somebody listens: with no stream open, the API's hot path pays one attribute read.
* Some changes happen by themselves as the virtual clock runs (a message moves from 003 to
  004 five seconds later). Whoever reads the state tells the feed when the next one falls due
  (:meth:`ChangeFeed.schedule`), and each stream sends an event at that moment.
* A stream never touches the runtime's lock: it waits on the feed's own condition and sends
  only a version number. The page that gets the event reads what it shows with an ordinary
  request, which takes the lock for as long as building that page takes.
* An idle stream wakes every :data:`CHECK` seconds and yields an empty chunk, which the server
  writes as nothing but uses to see whether the client is still there (and whether the server
  is stopping): a closed tab gives its connection back within a second. Every
  :data:`HEARTBEAT` seconds it writes a comment line, for proxies that drop quiet connections.
* After an event a stream waits :data:`PACE` seconds before the next: a burst of a thousand
  requests is a few page refreshes, not a thousand.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Generator
from typing import Literal

#: Seconds between keep-alive comments on a quiet stream.
HEARTBEAT = 15.0
#: Seconds between checks that a quiet stream's client is still connected.
CHECK = 1.0
#: Seconds a stream waits after an event before sending the next (bursts coalesce).
PACE = 0.1
#: Milliseconds a browser waits before reconnecting a stream that ended.
RETRY_MS = 2000
#: Seconds after a change is due before its event is sent, so that the page reading it sees
#: it happened (the virtual clock follows the wall clock, the feed the monotonic one).
_DUE_MARGIN = 0.05

Wake = Literal["change", "due", "idle", "closed"]


class ChangeFeed:
    """A version number that grows with every change, the moment the next change falls due by
    itself, and the streams waiting for either."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._cond = threading.Condition(threading.Lock())
        self._version = 0
        self._due: float | None = None
        self._closed = False
        #: Streams listening now (read without the lock: a hint that anyone cares).
        self.listeners = 0

    @property
    def version(self) -> int:
        """How many changes were told since the feed was made."""
        with self._cond:
            return self._version

    def changed(self, due_in: float | None = None) -> None:
        """The fake changed now; the next change by itself falls due in ``due_in`` seconds
        (``None``: none is scheduled, or the clock is frozen)."""
        with self._cond:
            self._version += 1
            self._due = self._at(due_in)
            self._cond.notify_all()

    def schedule(self, due_in: float | None) -> None:
        """Nothing changed, but the next change by itself falls due in ``due_in`` seconds."""
        due = self._at(due_in)
        with self._cond:
            if due != self._due:
                self._due = due
                self._cond.notify_all()

    def close(self) -> None:
        """End every stream (the fake stops)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def listen(self) -> Listener:
        """A listener that sees changes from now on; use it as a context manager."""
        return Listener(self)

    def _at(self, due_in: float | None) -> float | None:
        return None if due_in is None else self._monotonic() + max(due_in, 0.0) + _DUE_MARGIN


class Listener:
    """One stream's view of a :class:`ChangeFeed`: the version it has seen, and the due time
    it has already announced."""

    def __init__(self, feed: ChangeFeed) -> None:
        self._feed = feed
        self.seen = feed.version
        self._announced: float | None = None

    def __enter__(self) -> Listener:
        with self._feed._cond:
            self._feed.listeners += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._feed._cond:
            self._feed.listeners -= 1

    def wait(self, timeout: float) -> Wake:
        """Wait at most ``timeout`` seconds for a change (``"change"``), for a change due by
        itself (``"due"``), or for the feed to close (``"closed"``); ``"idle"`` if none came."""
        feed = self._feed
        clock = feed._monotonic
        deadline = clock() + timeout
        with feed._cond:
            while True:
                if feed._closed:
                    return "closed"
                if feed._version != self.seen:
                    self.seen = feed._version
                    return "change"
                now = clock()
                due = feed._due if feed._due != self._announced else None
                if due is not None and due <= now:
                    self._announced = due
                    return "due"
                if now >= deadline:
                    return "idle"
                feed._cond.wait((deadline if due is None else min(deadline, due)) - now)


def _event(version: int, why: Wake) -> bytes:
    data = json.dumps({"version": version, "why": why})
    return f"event: change\ndata: {data}\n\n".encode()


def stream(
    feed: ChangeFeed,
    *,
    heartbeat: float = HEARTBEAT,
    check: float = CHECK,
    pace: float = PACE,
    sleep: Callable[[float], None] = time.sleep,
) -> Generator[bytes, None, None]:
    """The ``text/event-stream`` body: a ``change`` event at once (so that a page that
    connects late reads what it missed) and after every change, until the feed closes or the
    server stops iterating (the client went away)."""
    with feed.listen() as listener:
        yield f"retry: {RETRY_MS}\n".encode() + _event(listener.seen, "change")
        quiet = 0.0
        while True:
            wake = listener.wait(check)
            if wake == "closed":
                return
            if wake == "idle":
                quiet += check
                if quiet >= heartbeat:
                    quiet = 0.0
                    yield b": keep-alive\n\n"
                else:
                    yield b""  # writes nothing: the server checks the client is still there
                continue
            quiet = 0.0
            yield _event(listener.seen, wake)
            sleep(pace)
