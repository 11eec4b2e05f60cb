"""The HTTP layer: sockets and HTTP/1.1 framing for any WSGI app. It knows nothing of Clickatell.

:class:`WSGIServer` serves one app from a thread per connection, its requests framed by
:mod:`.framing`; :mod:`.wire` is what it and the app agree on (limits, broken replies);
:func:`freeze_long_lived_objects` is the garbage-collector policy ``fake-clickatell serve``
runs under.
"""

from __future__ import annotations

from .gc_policy import freeze_long_lived_objects
from .http_server import WSGIServer
from .wire import BREAKS_REPLIES, MAX_BODY, BrokenReply, Limits

__all__ = [
    "BREAKS_REPLIES",
    "MAX_BODY",
    "BrokenReply",
    "Limits",
    "WSGIServer",
    "freeze_long_lived_objects",
]
