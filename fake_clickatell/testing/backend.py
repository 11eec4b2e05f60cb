"""What the test handle needs from a fake: the admin operations, in-process or over HTTP.

:class:`~.local.LocalBackend` runs a fake in a background thread of this process and calls its
runtime directly; :class:`~.remote.RemoteBackend` drives an already running
``fake-clickatell serve`` over the JSON admin API. Both answer in the admin API's JSON shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..app.errors import RecordedError
from .scenarios import LoadedScenario


class Backend(Protocol):
    """What the handle needs from a fake: the admin operations, in-process or over HTTP."""

    #: The base URL (``http://127.0.0.1:PORT``).
    url: str
    #: The scenario last loaded through this backend (``None``: not known yet).
    current: LoadedScenario | None

    def reset(self) -> int:
        """Back to the current scenario's initial state; recorded errors are dropped.

        Returns the highest push id that exists right after (pushes the reset dropped): what
        the handle's :meth:`FakeClickatell.pushes` leaves out, as it belongs to earlier tests.
        """

    def load(self, loaded: LoadedScenario) -> int:
        """Replace the scenario and reset; returns the push id floor as :meth:`reset`."""

    def clock(
        self, *, advance: float | None = None, set: float | None = None, freeze: bool | None = None
    ) -> dict[str, Any]:
        """Move the clock (``ClockError`` when the move makes no sense); the clock's JSON."""

    def messages(self) -> list[dict[str, Any]]:
        """``GET /__admin/messages``' list."""

    def journal(self) -> dict[str, Any]:
        """``GET /__admin/requests``."""

    def accounts(self) -> list[dict[str, Any]]:
        """``GET /__admin/accounts``' list."""

    def rules(self) -> list[dict[str, Any]]:
        """``GET /__admin/rules``' list."""

    def enable_rule(self, key: str, enabled: bool) -> None:
        """Switch the rule named (or at index) ``key`` on or off; ``LookupError`` if none."""

    def errors(self) -> list[RecordedError]:
        """Exceptions recorded since the last reset or load, oldest first."""

    def pushes(self, *, flush: bool = False) -> list[dict[str, Any]]:
        """``GET /__admin/callbacks``' list; with ``flush``, pushes due now are sent first."""

    def send_mo(self, payload: Mapping[str, str]) -> list[str]:
        """``POST /__admin/mo``: the moMsgIds; ``ValueError`` when the fake refuses it."""

    def close(self) -> None:
        """Release what the backend holds (stop the server it started)."""
