"""``create_app``: one fake Clickatell as a WSGI app (a Flask app object).

The API paths (``/http``, ``/http_batch``, ``/utils``, ``/mms``) are answered by
:class:`~.api.ApiAdapter` in plain WSGI, in front of Flask; Flask serves the JSON admin API
under ``/__admin/`` and plain-text 404s for everything else. Each app owns its own
:class:`~.runtime.Runtime` (gateway, lock, recorded errors, push sender): no module-level state.

:func:`create_wsgi_app` is the same fake without the Flask object up front: Flask is imported
and the admin app built when the first request that is not an API call arrives. That is what
``fake-clickatell serve`` runs, so that it answers its first ``sendmsg`` sooner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..core.gateway import Gateway
from ..core.scenario_model import DEFAULT_SCENARIO, Scenario
from ..server.wire import MAX_BODY
from .access import AdminAccess, AdminGuard
from .api import ApiAdapter
from .runtime import EXTENSION, Runtime

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from flask import Flask


def create_app(
    scenario: Scenario = DEFAULT_SCENARIO,
    *,
    gateway: Gateway | None = None,
    time_source: Callable[[], float] = time.time,
    log: Callable[[str], None] | None = None,
    allowed_hosts: Iterable[str] = (),
    access: AdminAccess | None = None,
) -> Flask:
    """A WSGI app (Flask) serving a fresh fake (or ``gateway``), configured by ``scenario``.

    ``log`` gets one line per request (passwords masked); ``allowed_hosts`` widens where
    callbacks and MO pushes may go (loopback always may); ``access`` guards the admin API (by
    default: no token, loopback names and addresses only, no cross-site changes).
    """
    runtime = _new_runtime(scenario, gateway, time_source, log, allowed_hosts, access)
    app = _admin_app(runtime)
    app.wsgi_app = ApiAdapter(runtime, AdminGuard(app.wsgi_app, runtime))  # type: ignore[method-assign]
    return app


def create_wsgi_app(
    scenario: Scenario = DEFAULT_SCENARIO,
    *,
    gateway: Gateway | None = None,
    time_source: Callable[[], float] = time.time,
    log: Callable[[str], None] | None = None,
    allowed_hosts: Iterable[str] = (),
    access: AdminAccess | None = None,
) -> ApiAdapter:
    """The fake :func:`create_app` makes, as a plain WSGI callable; its runtime is ``.runtime``.

    It answers the same requests with the same bytes; Flask is imported, and the admin app
    built, when the first request outside the API paths arrives.
    """
    runtime = _new_runtime(scenario, gateway, time_source, log, allowed_hosts, access)
    return ApiAdapter(runtime, AdminGuard(_LazyAdminApp(runtime), runtime))


def _new_runtime(
    scenario: Scenario,
    gateway: Gateway | None,
    time_source: Callable[[], float],
    log: Callable[[str], None] | None,
    allowed_hosts: Iterable[str],
    access: AdminAccess | None,
) -> Runtime:
    if gateway is None:
        gateway = Gateway(scenario, time_source=time_source, allowed_hosts=allowed_hosts)
    return Runtime(gateway, log=log, access=access or AdminAccess())


def _admin_app(runtime: Runtime) -> Flask:
    """The Flask app of the admin API (and 404s), serving ``runtime``."""
    from flask import Flask

    from . import admin, ui
    from .lenient import LenientRequest

    app = Flask("fake_clickatell")
    app.request_class = LenientRequest
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # No redirects, ever: "/__admin/clock/" is answered, not bounced with a 308.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.extensions[EXTENSION] = runtime
    admin.register(app)
    ui.register(app)
    return app


class _LazyAdminApp:
    """The admin app, built on its first request (building it twice would be harmless, but
    the lock makes every request see the same one)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._app: Flask | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        app = self._app
        if app is None:
            with self._lock:
                if self._app is None:
                    self._app = _admin_app(self._runtime)
                app = self._app
        return app(environ, start_response)
