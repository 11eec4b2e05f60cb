"""The push dispatcher: a background thread that sends due callbacks and MO pushes.

The gateway decides *what* is due and *when* (virtual time); this worker only performs the
HTTP requests, one at a time, and reports each result back under the app's lock. It never
blocks an API reply. While the virtual clock runs, it sleeps until the next push falls due; while
the clock is frozen, it sleeps until woken (a request, a clock change, :meth:`flush`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .core.pushes import PushRequest, PushResult

if TYPE_CHECKING:
    from .state import FakeState

Send = Callable[[PushRequest, float], PushResult]


def http_send(request: PushRequest, timeout: float) -> PushResult:
    """Perform one push; 2xx is delivered, anything else (or no answer) has failed.

    Redirects are not followed: a push that gets one has failed.
    """
    # Imported here: urllib.request pulls in http.client, email and ssl, which the fake's
    # start-up does not need unless it pushes.
    import urllib.error
    import urllib.request

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    outgoing = urllib.request.Request(
        request.url, data=request.body, headers=dict(request.headers), method=request.method
    )
    try:
        with urllib.request.build_opener(NoRedirects()).open(outgoing, timeout=timeout) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return PushResult(False, f"HTTP {error.code}", error.code)
    except TimeoutError:
        return PushResult(False, f"timeout after {timeout:g} s")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return PushResult(False, f"connection failed: {reason}")
    if 200 <= status < 300:
        return PushResult(True, f"HTTP {status}", status)
    return PushResult(False, f"HTTP {status}", status)  # pragma: no cover - urllib raises


class Dispatcher:
    """Sends the gateway's due pushes from one daemon thread, started on first use."""

    def __init__(self, state: FakeState, send: Send = http_send) -> None:
        self._state = state
        self._send = send
        self._wake = threading.Condition()
        self._woken = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._requested = 0  # flush requests made
        self._completed = 0  # flush requests answered by an idle pass

    def wake(self) -> None:
        """Look for due pushes now (starts the thread the first time)."""
        with self._wake:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="fake-clickatell-pushes", daemon=True
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
            return self._wake.wait_for(lambda: self._completed >= wanted or self._closed, timeout)

    def close(self) -> None:
        """Stop the thread (a push in flight finishes); a later :meth:`wake` starts anew."""
        with self._wake:
            self._closed = True
            self._wake.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        with self._wake:
            self._closed = False
            self._thread = None

    def _run(self) -> None:
        state = self._state
        while True:
            with self._wake:
                if self._closed:
                    return
                self._woken = False
                requested = self._requested
            with state.lock:
                gateway = state.gateway
                due = gateway.take_due_pushes()
                if not due:
                    next_due = gateway.outbox.next_due()
                    now, frozen = gateway.now(), gateway.clock.frozen
            if due:
                for push in due:
                    result = self._send(push.request, push.timeout)
                    with state.lock:
                        state.gateway.report_push(push.push_id, result)
                continue
            with self._wake:
                self._completed = max(self._completed, requested)
                self._wake.notify_all()
                if self._woken or self._closed:
                    continue
                # Frozen: only a wake-up changes anything. Running: the next push's due time.
                wait = None if next_due is None or frozen else max(0.0, next_due - now)
                self._wake.wait(wait)
