"""The running fake: the WSGI app, its runtime, and the fake served from a thread.

:func:`create_app` builds one fake as a Flask app (the Clickatell API in front, the admin API
behind); its :class:`Runtime` is the one place that operates on it (requests, reset, scenario,
clock, inbound messages, errors); :class:`FakeServer` serves it on a local port. Flask is
imported only when an admin app is built, never by importing this package.
"""

from __future__ import annotations

from .api import ApiAdapter, TransportFault
from .errors import RecordedError
from .factory import create_app, create_wsgi_app
from .fake_server import FakeServer
from .runtime import Runtime, runtime_of

__all__ = [
    "ApiAdapter",
    "FakeServer",
    "RecordedError",
    "Runtime",
    "TransportFault",
    "create_app",
    "create_wsgi_app",
    "runtime_of",
]
