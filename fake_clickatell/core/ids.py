"""Identifier generation from an injected, seedable random source.

Session ids, apimsgids and batch ids are 32 lowercase hex digits, like the real API's. With a
seed, a run repeats exactly: the same requests get the same ids.
"""

from __future__ import annotations

import random
from collections.abc import Container


class IdSource:
    """Draws 128-bit ids as 32 lowercase hex digits, never repeating one already taken."""

    __slots__ = ("_random",)

    def __init__(self, seed: int | None) -> None:
        self._random = random.Random(seed)

    def new_id(self, taken: Container[str] = ()) -> str:
        """A fresh id that ``taken`` does not contain."""
        while True:
            candidate = f"{self._random.getrandbits(128):032x}"
            if candidate not in taken:
                return candidate

    def random(self) -> float:
        """A float in [0, 1) from the same seeded stream (for probabilistic rules)."""
        return self._random.random()
