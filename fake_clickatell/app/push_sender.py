"""The push sender: a background thread that sends due callbacks and MO pushes.

The gateway decides *what* is due and *when* (virtual time); this worker only performs the
HTTP requests, one at a time, and reports each result back. It is given three callables (take
the due pushes, report a result, record a failure of its own), which the runtime makes atomic;
it never blocks an API reply. While the virtual clock runs, it sleeps until the next push falls
due; while the clock is frozen, it sleeps until woken (a request, a clock change, :meth:`flush`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..core.outbox import Push, PushResult
from ..core.push_payloads import PushRequest

Send = Callable[[PushRequest, float], PushResult]

#: Bytes of a receiver's reply body read (its status decides; the rest is never needed).
_REPLY_READ = 64 * 1024


@dataclass(frozen=True, slots=True)
class DuePushes:
    """What the sender is given on each pass: the pushes to send now (marked in flight), when
    the next one falls due, and the virtual clock at that moment."""

    pushes: Sequence[Push]
    next_due: float | None
    now: float
    frozen: bool


def http_send(request: PushRequest, timeout: float) -> PushResult:
    """Perform one push within ``timeout`` seconds in all; 2xx is delivered, anything else (or
    no answer in time) has failed.

    The deadline covers the whole attempt (connecting, sending, the reply's head): a receiver
    that answers a byte at a time cannot hold the sender past it. Redirects are not followed
    (a push that gets one has failed), and no proxy is used, even when the environment names
    one: the host policy was checked for the URL's own host.
    """
    # Imported here: http.client pulls in email and ssl, which the fake's start-up does not
    # need unless it pushes.
    import http.client

    parts = urlsplit(request.url)
    https = parts.scheme == "https"
    factory = http.client.HTTPSConnection if https else http.client.HTTPConnection
    try:
        conn = factory(parts.hostname or "", parts.port, timeout=timeout)
    except ValueError as error:  # e.g. a port out of range
        return PushResult(False, f"bad URL: {error}")
    expired = threading.Event()

    def give_up() -> None:
        expired.set()
        sock = conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, give_up)
    timer.daemon = True
    timer.start()
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        conn.request(request.method, target, body=request.body, headers=dict(request.headers))
        response = conn.getresponse()
        status = response.status
        # A reply cut short is a failure (read() whole raises IncompleteRead); a long one is
        # read no further than needed.
        if response.length is not None and response.length <= _REPLY_READ:
            response.read()
        else:
            response.read(_REPLY_READ)
    except (OSError, http.client.HTTPException, ValueError) as error:
        if expired.is_set() or isinstance(error, TimeoutError):
            return PushResult(False, f"timeout after {timeout:g} s")
        if isinstance(error, http.client.HTTPException | ValueError):
            # Not HTTP, a broken head, ...: the receiver failed, like any other failure.
            return PushResult(False, f"bad reply: {error!r}")
        return PushResult(False, f"connection failed: {error}")
    finally:
        timer.cancel()
        conn.close()
    if 200 <= status < 300:
        return PushResult(True, f"HTTP {status}", status)
    return PushResult(False, f"HTTP {status}", status)


class PushSender:
    """Sends the gateway's due pushes from one daemon thread.

    The thread starts when something may be due and ends when nothing is pending, so an idle
    app holds no thread. :meth:`close` does not wait for a push in flight: that thread finishes
    it and ends (its generation is over), and a later :meth:`wake` starts a new one.
    """

    def __init__(
        self,
        take_due: Callable[[], DuePushes],
        report: Callable[[int, PushResult], None],
        failed: Callable[[BaseException, str], None],
        send: Send = http_send,
    ) -> None:
        self._take_due = take_due
        self._report = report
        self._failed = failed
        self._send = send
        self._wake = threading.Condition()
        self._woken = False
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._requested = 0  # flush requests made
        self._completed = 0  # flush requests answered by an idle pass

    def wake(self) -> None:
        """Look for due pushes now (starts the thread if none runs)."""
        with self._wake:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run,
                    args=(self._generation,),
                    name="fake-clickatell-pushes",
                    daemon=True,
                )
                self._thread.start()
            self._woken = True
            self._wake.notify_all()

    def flush(self, timeout: float = 30.0) -> bool:
        """Send every push due at the current virtual time; True when none is left due."""
        with self._wake:
            self._requested += 1
            wanted = self._requested
        self.wake()
        with self._wake:
            return self._wake.wait_for(lambda: self._completed >= wanted, timeout)

    def close(self) -> None:
        """Stop sending: the thread ends (after the push it may be sending), at once."""
        with self._wake:
            self._generation += 1
            self._thread = None
            self._completed = self._requested  # nobody waits on a flush that will not run
            self._wake.notify_all()

    def _current(self, generation: int) -> bool:
        return generation == self._generation

    def _run(self, generation: int) -> None:
        while True:
            with self._wake:
                if not self._current(generation):
                    return
                self._woken = False
                requested = self._requested
            try:
                due = self._take_due()
                for push in due.pushes:
                    self._report(push.push_id, self._send(push.request, push.timeout))
                sent, next_due, now, frozen = bool(due.pushes), due.next_due, due.now, due.frozen
            except Exception as error:  # a bug in the fake: keep it for the test, keep going
                self._failed(error, traceback.format_exc())
                sent, next_due, now, frozen = False, None, 0.0, True
                with self._wake:
                    self._wake.wait(1.0)  # do not spin on a bug that repeats
            if sent:
                continue
            with self._wake:
                if not self._current(generation):
                    return
                self._completed = max(self._completed, requested)
                self._wake.notify_all()
                if self._woken:
                    continue
                if next_due is None:  # nothing pending: end; the next wake() starts anew
                    self._thread = None
                    return
                # Frozen: only a wake-up changes anything. Running: the next push's due time.
                self._wake.wait(None if frozen else max(0.0, next_due - now))
