"""An application module that sends SMS through Clickatell's legacy HTTP API (an example).

This is the kind of code fake_clickatell exists to test: it knows nothing about the fake. It
authenticates once and reuses the session; when the session has expired (``ERR: 003``) it
authenticates again and resends; when Clickatell answers ``ERR: 901, Internal error`` it
retries with exponential backoff. Any other error is the caller's problem.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

#: Codes that mean "the session is gone": authenticate again and resend.
SESSION_ERRORS = frozenset({"003", "005"})
#: Codes worth retrying after a pause.
TRANSIENT_ERRORS = frozenset({"901"})


class SmsError(Exception):
    """Clickatell refused the message: ``code`` and ``text`` are its reply's."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"ERR: {code}, {text}")
        self.code = code
        self.text = text


def _error(body: str) -> SmsError:
    """``ERR: 003, Session ID expired`` -> SmsError("003", "Session ID expired")."""
    if body.startswith("ERR: "):
        code, _, text = body[5:].partition(", ")
        return SmsError(code, text)
    return SmsError("", f"unexpected reply {body!r}")


class SmsSender:
    """Sends SMS as one Clickatell account."""

    def __init__(
        self,
        base_url: str,
        api_id: str,
        user: str,
        password: str,
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
    ) -> None:
        self._client = client or httpx.Client(base_url=base_url, timeout=10)
        self._credentials = {"api_id": api_id, "user": user, "password": password}
        self._attempts = attempts
        self._backoff = backoff
        self._sleep = sleep
        self._session_id: str | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()

    def _get(self, command: str, params: dict[str, str]) -> str:
        reply = self._client.get(f"/http/{command}", params=params)
        reply.raise_for_status()
        return reply.text

    def _session(self) -> str:
        with self._lock:
            if self._session_id is None:
                body = self._get("auth", self._credentials)
                if not body.startswith("OK: "):
                    raise _error(body)
                self._session_id = body[4:]
            return self._session_id

    def _forget_session(self, session_id: str) -> None:
        with self._lock:
            if self._session_id == session_id:
                self._session_id = None

    def send(self, to: str, text: str, *, sender: str | None = None) -> str:
        """Send one SMS; returns Clickatell's message id. Raises :class:`SmsError`."""
        params = {"to": to, "text": text}
        if sender is not None:
            params["from"] = sender
        attempt = 1
        reauthenticated = False
        while True:
            session_id = self._session()
            body = self._get("sendmsg", {"session_id": session_id, **params})
            if body.startswith("ID: "):
                return body[4:]
            error = _error(body)
            if error.code in SESSION_ERRORS and not reauthenticated:
                self._forget_session(session_id)
                reauthenticated = True  # once: a fresh session that fails again is a real error
            elif error.code in TRANSIENT_ERRORS and attempt < self._attempts:
                self._sleep(self._backoff * 2 ** (attempt - 1))
                attempt += 1
            else:
                raise error

    def send_in_background(self, to: str, text: str) -> threading.Thread:
        """Send from a worker thread (as a web app hands SMS to a queue); returns the thread."""
        thread = threading.Thread(target=self.send, args=(to, text), daemon=True)
        thread.start()
        return thread
