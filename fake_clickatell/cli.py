"""The ``fake-clickatell`` command: ``serve`` runs the fake, ``check`` validates scenario files."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING

from ._version import __version__
from .app.access import AdminAccess
from .app.factory import create_wsgi_app
from .core.scenario_model import DEFAULT_SCENARIO
from .server.gc_policy import freeze_long_lived_objects
from .server.http_server import WSGIServer
from .server.wire import Limits

if TYPE_CHECKING:
    from .core.scenario_model import Scenario

# Flask and yaml are imported when first needed (the first admin request, a scenario file):
# `serve` starts in about half the time without them (docs/benchmarks.md, cold start).


def _log(line: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"{stamp} {line}", file=sys.stderr, flush=True)


def _serve(args: argparse.Namespace) -> int:
    scenario = DEFAULT_SCENARIO
    if args.scenario:
        from .scenario import ScenarioError, load_scenario

        try:
            scenario = load_scenario(args.scenario)
        except ScenarioError as error:
            print(f"fake-clickatell: {error}", file=sys.stderr)
            return 2
    access = AdminAccess.for_bind(args.host, args.admin_token, args.admin_host)
    app = create_wsgi_app(
        scenario,
        log=None if args.quiet else _log,
        allowed_hosts=args.allow_host,
        access=access,
    )
    limits = Limits(
        max_connections=args.max_connections,
        head_timeout=args.head_timeout,
        body_timeout=args.body_timeout,
        idle_timeout=args.idle_timeout,
    )
    try:
        server = WSGIServer(app, args.host, args.port, limits=limits)
    except OSError as error:
        print(
            f"fake-clickatell: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr
        )
        return 2

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for the serve loop, so it must not run on the loop's own thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Ctrl-C and SIGTERM stop it cleanly, even when started in the background of a script,
    # where SIGINT is ignored by default; installed before the banner, which tells a script
    # that the server is up (a signal sent right after it must not be lost).
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    mode = f"scenario {scenario.source}" if args.scenario else "open mode: any credentials"
    print(f"fake-clickatell {__version__} serving on {server.url} ({mode})", flush=True)
    if access.token is not None:
        given = "given with --admin-token" if args.admin_token else "made for this run"
        print(
            f"admin API and web pages need a token ({given}): 'Authorization: Bearer"
            f" {access.token}', or open {server.url}/?token={access.token} in a browser",
            flush=True,
        )
    freeze_long_lived_objects()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    print("fake-clickatell: stopped", file=sys.stderr, flush=True)
    return 0


def _check(args: argparse.Namespace) -> int:
    from .scenario import ScenarioError, load_scenario

    failed = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            failed += 1
            print(str(error), file=sys.stderr)
        else:
            print(f"{path}: ok ({_summary(scenario)})")
    return 1 if failed else 0


def _summary(scenario: Scenario) -> str:
    counts = [
        (len(scenario.accounts), "account"),
        (len(scenario.routes), "route"),
        (len(scenario.recipients), "recipient script"),
        (len(scenario.rules), "rule"),
    ]
    parts = [f"{n} {what}{'' if n == 1 else 's'}" for n, what in counts if n]
    return ", ".join(parts) if parts else "defaults only"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``fake-clickatell``."""
    parser = argparse.ArgumentParser(
        prog="fake-clickatell",
        description="A local fake of Clickatell's legacy SMS HTTP/S API.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the fake HTTP server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port to listen on; 0 picks a free one (default 8765)",
    )
    serve.add_argument("--scenario", metavar="FILE", help="a scenario YAML file to load")
    serve.add_argument("--quiet", action="store_true", help="do not log each request")
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="the token the admin API asks for; needed (and made up when not given) on any"
        " address but loopback",
    )
    serve.add_argument(
        "--admin-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name the admin API answers to (the Host header) besides loopback names and IP"
        " addresses, e.g. the service name in a compose file; repeat for more",
    )
    defaults = Limits()
    serve.add_argument(
        "--max-connections",
        type=int,
        default=defaults.max_connections,
        metavar="N",
        help=f"connections open at once; one more gets 503 (default {defaults.max_connections})",
    )
    serve.add_argument(
        "--head-timeout",
        type=float,
        default=defaults.head_timeout,
        metavar="SECONDS",
        help=f"time a request's head may take (default {defaults.head_timeout:g})",
    )
    serve.add_argument(
        "--body-timeout",
        type=float,
        default=defaults.body_timeout,
        metavar="SECONDS",
        help=f"time a request's body may take (default {defaults.body_timeout:g})",
    )
    serve.add_argument(
        "--idle-timeout",
        type=float,
        default=defaults.idle_timeout,
        metavar="SECONDS",
        help=f"time an idle connection is kept open (default {defaults.idle_timeout:g})",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a host (name, address or network) callbacks and MO pushes may reach, besides "
        "loopback; repeat for more",
    )
    serve.set_defaults(run=_serve)

    check = commands.add_parser("check", help="validate scenario files without serving")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(run=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fake-clickatell`` console script."""
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
