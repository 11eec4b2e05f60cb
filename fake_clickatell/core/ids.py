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
        # Unseeded: a seed drawn from the process's generator, not os.urandom, whose 2.5 KB
        # read would be most of the cost of a reset (the pytest fixture resets every test).
        self._random = random.Random(random.getrandbits(64) if seed is None else seed)

    def new_id(self, taken: Container[str] = ()) -> str:
        """A fresh id that ``taken`` does not contain."""
        while True:
            candidate = f"{self._random.getrandbits(128):032x}"
            if candidate not in taken:
                return candidate
