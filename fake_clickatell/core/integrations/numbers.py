"""Recipients as the Platform and One API take them (Part A.1 rule 8).

Both strip ``+``, spaces, ``-``, ``(`` and ``)`` from each entry before the HTTP API's number
check (digits only, 7 to 15, a leading ``0`` takes the account's dial prefix); a Platform HTTP
send also strips surrounding quotes and ``[`` ``]``, so the list-repr that PyPI
``clickatell-platform`` sends (``to=['27999000001', '27999000002']``) reads as two numbers. A
refused entry is echoed as it was received; an accepted one as its digits.
"""

from __future__ import annotations

#: Characters written inside a number that are no part of it.
_PUNCTUATION = str.maketrans("", "", "+ -()")
#: What a Python list's repr puts around each entry (``['27999000001'``, `` '27999000002']``).
_LIST_REPR = " \t'\"[]"


def clean_number(entry: str) -> str:
    """An entry without the punctuation people write numbers with."""
    return entry.translate(_PUNCTUATION)


def clean_listed_number(entry: str) -> str:
    """An entry of a Platform HTTP send's ``to``: also without a list-repr's quotes and
    brackets around it."""
    return clean_number(entry.strip(_LIST_REPR))
