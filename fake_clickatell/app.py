"""``create_app``: one fake Clickatell as a WSGI app (a Flask app object).

The API paths (``/http``, ``/http_batch``, ``/utils``, ``/mms``) are answered by
:class:`~fake_clickatell.api.ApiAdapter` in plain WSGI, in front of Flask; Flask serves the JSON
admin API under ``/__admin/`` and plain-text 404s for everything else. Each app owns its own
gateway (no module-level state), its lock, its recorded errors and its push dispatcher.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from flask import Flask

from . import admin
from .api import ApiAdapter, TransportFault
from .core.config import DEFAULT_SCENARIO, Scenario
from .core.gateway import Gateway
from .server import MAX_BODY
from .state import EXTENSION, FakeState, ServerError, get_state

__all__ = ["FakeState", "ServerError", "TransportFault", "create_app", "get_state"]


def create_app(
    scenario: Scenario = DEFAULT_SCENARIO,
    *,
    gateway: Gateway | None = None,
    time_source: Callable[[], float] = time.time,
    log: Callable[[str], None] | None = None,
    allowed_hosts: Iterable[str] = (),
) -> Flask:
    """A WSGI app (Flask) serving a fresh fake (or ``gateway``), configured by ``scenario``.

    ``log`` gets one line per request (passwords masked); ``allowed_hosts`` widens where
    callbacks and MO pushes may go (loopback always may).
    """
    app = Flask("fake_clickatell")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # No redirects, ever: "/__admin/clock/" is answered, not bounced with a 308.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    if gateway is None:
        gateway = Gateway(scenario, time_source=time_source, allowed_hosts=allowed_hosts)
    state = FakeState(gateway, log=log)
    app.extensions[EXTENSION] = state
    admin.register(app)
    app.wsgi_app = ApiAdapter(state, app.wsgi_app)  # type: ignore[method-assign]
    return app
