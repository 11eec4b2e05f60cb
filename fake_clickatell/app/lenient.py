"""Flask's request, lenient with a query string that is not UTF-8.

werkzeug decodes the raw query string as strict UTF-8 before parsing it, so a byte such as
``\\xff`` sent unescaped (``GET /?status=\\xff``) raised inside any view that read
``request.args``: a 500. Here such bytes become U+FFFD, and the view answers as it would to
any other odd value.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property


class LenientRequest(Request):
    """A request whose ``args`` never fail to decode."""

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query's parameters (bytes that are not UTF-8 read as U+FFFD)."""
        query = self.query_string.decode("utf-8", "replace")
        return self.parameter_storage_class(parse_qsl(query, keep_blank_values=True))
