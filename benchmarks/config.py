"""How a benchmark run is configured (shared by every suite)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .machine import Pinning


@dataclass(frozen=True)
class Config:
    """Knobs of one run; ``quick()`` gives a short smoke-sized run."""

    rounds: int = 5
    duration: float = 2.0
    connections: int = 16
    warmup: float = 10.0
    messages: int = 100_000
    breakdown_time: float = 0.3
    wrk: str | None = None
    pinning: Pinning = field(default_factory=lambda: Pinning(None, None, "not planned"))

    @classmethod
    def quick(cls, **changes: Any) -> Config:
        """Two rounds of short runs: for checking the harness, not for numbers."""
        short = {"rounds": 2, "duration": 1.0, "warmup": 1.0, "messages": 10_000}
        return replace(cls(), **{**short, "breakdown_time": 0.05, **changes})
