"""The one virtual clock that drives every time-dependent behaviour of the fake.

It follows a time source (the wall clock, injected by the adapter) plus an offset, unless it is
frozen. It can be set to any instant, advanced by a non-negative amount, frozen and unfrozen.
Like trio's ``MockClock.jump()``, it refuses to be advanced backwards: statuses and sessions
already derived from it would otherwise stop making sense.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

#: The latest virtual time: 9999-12-31T23:59:59Z (times past it cannot be dates).
MAX_TIME = 253_402_300_799.0


class ClockError(ValueError):
    """A clock operation that makes no sense (advancing by a negative or non-finite amount)."""


class VirtualClock:
    """A controllable clock; ``now()`` is unix time in seconds (float)."""

    __slots__ = ("_frozen_at", "_offset", "_source")

    def __init__(
        self,
        source: Callable[[], float],
        *,
        start: float | None = None,
        frozen: bool = False,
    ) -> None:
        self._source = source
        self._offset = 0.0
        self._frozen_at: float | None = None
        if frozen:
            self._frozen_at = float(start) if start is not None else source()
        elif start is not None:
            self._offset = start - source()

    @property
    def frozen(self) -> bool:
        """True while the clock stands still."""
        return self._frozen_at is not None

    def now(self) -> float:
        """The current virtual time, in unix seconds."""
        if self._frozen_at is not None:
            return self._frozen_at
        return self._source() + self._offset

    def freeze(self) -> None:
        """Stop the clock at the current virtual time."""
        if self._frozen_at is None:
            self._frozen_at = self.now()

    def unfreeze(self) -> None:
        """Let the clock run on from where it stands, following its source."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - self._source()
            self._frozen_at = None

    def set(self, unix_time: float) -> None:
        """Jump to ``unix_time`` (forwards or backwards), keeping frozen or running."""
        _check_finite(unix_time, "time")
        if not 0 <= unix_time <= MAX_TIME:
            raise ClockError(
                f"time must be from 0 (1970) to {MAX_TIME:.0f} (9999), got {unix_time}"
            )
        if self._frozen_at is not None:
            self._frozen_at = float(unix_time)
        else:
            self._offset = unix_time - self._source()

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (which must be >= 0)."""
        _check_finite(seconds, "seconds")
        if seconds < 0:
            raise ClockError(f"the clock only moves forward; cannot advance by {seconds}")
        if self.now() + seconds > MAX_TIME:
            raise ClockError(f"advancing by {seconds} s would go past the year 9999")
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds


def _check_finite(value: float, what: str) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ClockError(f"{what} must be a number, got {value!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ClockError(f"{what} must be finite, got {value!r}")


def iso_time(unix_time: float) -> str:
    """``unix_time`` as ISO 8601 UTC with milliseconds: ``2027-01-15T08:00:00.000Z``."""
    moment = datetime.fromtimestamp(unix_time, timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
