"""One benchmark server process: ``python -m benchmarks.serve STACK APP [GC]``.

STACK is the serving stack (``ours``: :class:`fake_clickatell.server.WSGIServer`; ``werkzeug``:
werkzeug's threaded development server; ``waitress``). APP is what it serves: ``fake`` (the
fake as ``fake-clickatell serve`` runs it, quiet), ``fake-logged`` (the same logging each
request like ``fake-clickatell serve`` does by default), ``bare`` (a Flask route answering a
fixed body) or ``raw`` (a bare WSGI callable: no Flask at all). GC is how the garbage collector
runs (see :data:`GC_MODES`); by default, for the fake, as ``fake-clickatell serve`` runs it.
It binds 127.0.0.1 on a free port, prints ``READY <port>`` and serves until killed.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .payloads import BENCH_SCENARIO, RECIPIENT_COUNTS, reply_body, stub_path

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

STACKS = ("ours", "werkzeug", "waitress")
APPS = ("fake", "fake-logged", "bare", "raw")
#: How the collector runs: ``serve`` as ``fake-clickatell serve`` runs it (the survivors of each
#: full collection frozen, :func:`fake_clickatell.server.freeze_long_lived_objects`);
#: ``default`` CPython's defaults; ``startup`` one ``gc.collect()`` + ``gc.freeze()`` before
#: serving; ``timer`` ``gc.collect()`` + ``gc.freeze()`` every second; ``off`` no cyclic
#: collection at all (a floor: it would leak any cycle).
GC_MODES = ("serve", "default", "startup", "timer", "off")
_TEXT = "text/plain; charset=utf-8"


def build_app(kind: str) -> WSGIApplication:
    """The WSGI app called ``kind`` (see the module docstring)."""
    if kind in ("fake", "fake-logged"):
        from fake_clickatell.app import create_wsgi_app
        from fake_clickatell.cli import _log

        return create_wsgi_app(BENCH_SCENARIO, log=_log if kind == "fake-logged" else None)
    bodies = {stub_path(n): reply_body(n) for n in RECIPIENT_COUNTS}
    if kind == "bare":
        from flask import Flask, Response

        app = Flask("bare")
        for path, body in bodies.items():

            def view(body: str = body) -> Response:
                return Response(body, content_type=_TEXT)

            app.add_url_rule(path, path, view)
        return app
    if kind == "raw":
        encoded = {path: body.encode() for path, body in bodies.items()}

        def raw(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            body = encoded.get(environ["PATH_INFO"])
            if body is None:
                start_response("404 Not Found", [("Content-Length", "0")])
                return [b""]
            start_response("200 OK", [("Content-Type", _TEXT), ("Content-Length", str(len(body)))])
            return [body]

        return raw
    raise ValueError(f"unknown app {kind!r}; expected one of {APPS}")


def set_gc(mode: str) -> None:
    """Run the collector in ``mode`` (one of :data:`GC_MODES`) from now on."""
    if mode == "serve":
        from fake_clickatell.server import freeze_long_lived_objects

        freeze_long_lived_objects()
    elif mode == "startup":
        gc.collect()
        gc.freeze()
    elif mode == "timer":

        def every_second() -> None:
            while True:
                time.sleep(1.0)
                gc.collect()
                gc.freeze()

        threading.Thread(target=every_second, daemon=True).start()
    elif mode == "off":
        gc.disable()
    elif mode != "default":
        raise ValueError(f"unknown GC mode {mode!r}; expected one of {GC_MODES}")


def _ready(port: int) -> None:
    print(f"READY {port}", flush=True)


def serve(stack: str, app: WSGIApplication, ready: Callable[[int], None] = _ready) -> None:
    """Serve ``app`` on ``stack`` until the process is killed."""
    if stack == "ours":
        from fake_clickatell.server import WSGIServer

        server = WSGIServer(app, "127.0.0.1", 0)
        ready(server.port)
        server.serve_forever()
    elif stack == "werkzeug":
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log: as quiet as ours
        dev = make_server("127.0.0.1", 0, app, threaded=True)
        ready(dev.port)
        dev.serve_forever()
    elif stack == "waitress":
        # Imported by name: waitress is an optional benchmark dependency without type stubs.
        waitress: Any = importlib.import_module("waitress.server")
        logging.getLogger("waitress").setLevel(logging.ERROR)  # "task queue depth" warnings
        served = waitress.create_server(app, host="127.0.0.1", port=0)
        ready(int(served.effective_port))
        served.run()
    else:
        raise ValueError(f"unknown stack {stack!r}; expected one of {STACKS}")


def main(argv: list[str]) -> int:
    """Entry point: ``STACK APP [GC]``."""
    if not 2 <= len(argv) <= 3 or argv[0] not in STACKS or argv[1] not in APPS:
        print(
            f"usage: python -m benchmarks.serve {{{','.join(STACKS)}}} {{{','.join(APPS)}}}"
            f" [{{{','.join(GC_MODES)}}}]"
        )
        return 2
    app = build_app(argv[1])
    default = "serve" if argv[1].startswith("fake") else "default"
    mode = argv[2] if len(argv) == 3 else default
    if mode not in GC_MODES:
        print(f"unknown GC mode {mode!r}; expected one of {', '.join(GC_MODES)}")
        return 2
    set_gc(mode)
    serve(argv[0], app)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
