"""Identifier generation from an injected, seedable random source.

Session ids, apimsgids and batch ids are 32 lowercase hex digits, like the real API's. A
message id, whichever API accepted the message, is also a valid UUID 4 (version nibble ``4``,
variant ``8``-``b``), as the newer APIs' ids are: one id fits every API that may read it. With
a seed, a run repeats exactly: the same requests get the same ids.
"""

from __future__ import annotations

import random
from collections.abc import Container

# UUID 4 bits in a 128-bit integer: version (4 bits at 76) and variant (2 bits at 62).
_VERSION_MASK = ~(0xF << 76)
_VERSION_4 = 0x4 << 76
_VARIANT_MASK = ~(0x3 << 62)
_VARIANT_RFC4122 = 0x2 << 62


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

    def new_message_id(self, taken: Container[str] = ()) -> str:
        """A fresh message id: ``uuid4().hex`` in form (32 hex digits, version 4), drawn from
        the same seeded stream, that ``taken`` does not contain."""
        while True:
            bits = self._random.getrandbits(128)
            bits = (bits & _VERSION_MASK | _VERSION_4) & _VARIANT_MASK | _VARIANT_RFC4122
            candidate = f"{bits:032x}"
            if candidate not in taken:
                return candidate
