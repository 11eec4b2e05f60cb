"""The ``fake-clickatell`` command: ``serve`` runs the fake, ``check`` validates scenario files,
``scenarios`` lists the shipped ones. Every argument is checked before anything starts: a bad
one gets a one-line error and exit status 2, never a traceback."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
import time
import typing
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

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

T = TypeVar("T")

SERVE_EXAMPLES = """\
examples:
  fake-clickatell serve                          open mode on http://127.0.0.1:8765
  fake-clickatell serve --port 0                 a free port (the banner says which)
  fake-clickatell serve --scenario flaky         a shipped scenario, by name
  fake-clickatell serve --scenario my.yaml       a scenario file
  fake-clickatell serve --host 0.0.0.0 --admin-host fake
                                                 in a container: the admin API needs the
                                                 printed token and answers to the name "fake"
"""
CHECK_EXAMPLES = """\
examples:
  fake-clickatell check scenarios/*.yaml         every file: ok, or the first error in it
  fake-clickatell check flaky                    a shipped scenario, by name
exit status: 0 when every file is valid, 1 when one is not, 2 for a usage error
"""


def _log(line: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"{stamp} {line}", file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f"fake-clickatell: {message}", file=sys.stderr)
    return 2


def _serve(args: argparse.Namespace) -> int:
    scenario = DEFAULT_SCENARIO
    if args.scenario:
        from .scenario import ScenarioError, load_scenario

        try:
            scenario = load_scenario(args.scenario)
        except ScenarioError as error:
            return _fail(str(error))
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
    except (OSError, OverflowError, ValueError) as error:
        return _fail(f"cannot listen on {args.host}:{args.port}: {error}")

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for the serve loop, so it must not run on the loop's own thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Ctrl-C and SIGTERM stop it cleanly, even when started in the background of a script,
    # where SIGINT is ignored by default; installed before the banner, which tells a script
    # that the server is up (a signal sent right after it must not be lost).
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(banner(server.url, scenario, app.runtime.gateway.clock_json()), flush=True)
    if access.token is not None:
        given = "given with --admin-token" if args.admin_token else "made for this run"
        print(
            f"admin API and web pages need a token ({given}): 'Authorization: Bearer"
            f" {access.token}', or open {server.url}/?token={access.token} in a browser",
            flush=True,
        )
    else:
        print(f"web inbox: {server.url}/", flush=True)
    freeze_long_lived_objects()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    print("fake-clickatell: stopped", file=sys.stderr, flush=True)
    return 0


def banner(url: str, scenario: Scenario, clock: dict[str, object]) -> str:
    """The start line: where, which mode, the clock, the rules."""
    if scenario.strict:
        count = len(scenario.accounts)
        mode = f"strict mode: {count} account{'' if count == 1 else 's'}"
    else:
        mode = "open mode: any credentials"
    source = "" if scenario.source == DEFAULT_SCENARIO.source else f"scenario {scenario.source}; "
    when = f"clock frozen at {clock['now_iso']}" if clock["frozen"] else "clock running"
    rules = len(scenario.rules)
    return (
        f"fake-clickatell {__version__} serving on {url}"
        f" ({source}{mode}; {when}; {rules} rule{'' if rules == 1 else 's'})"
    )


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


def _scenarios(args: argparse.Namespace) -> int:
    from .scenario.shipped import SHIPPED, describe, shipped_names

    names = shipped_names()
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  {describe(name)}")
    print(f"\n(files in {SHIPPED}; use one with --scenario NAME)")
    return 0


# -- argument types: each refuses a bad value with one line --------------------------------------


def _bounded(kind: Callable[[str], T], what: str, check: Callable[[T], bool]) -> Callable[[str], T]:
    def parse(text: str) -> T:
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not check(value):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    parse.__name__ = what  # argparse names the type in its messages
    return parse


_port = _bounded(int, "a port from 0 to 65535", lambda n: 0 <= n <= 65535)
_count = _bounded(int, "a whole number of at least 1", lambda n: n >= 1)
_seconds = _bounded(
    float, "a number of seconds above 0", lambda x: math.isfinite(x) and 0 < x <= 86_400
)
_text = _bounded(str, "a non-empty value", lambda s: bool(s.strip()))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose every refusal is one line (and exit status 2)."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``fake-clickatell``."""
    parser = _Parser(
        prog="fake-clickatell",
        description=(
            "A faithful local fake of Clickatell's legacy SMS HTTP/S API: point your app's"
            " Clickatell base URL at it, see what it sent, and make it misbehave on purpose."
        ),
        epilog="Run 'fake-clickatell COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the fake HTTP server",
        description=(
            "Serve the fake: the Clickatell API under /http, /http_batch, /utils and /mms,"
            " the admin API under /__admin. With no scenario, any credentials work (open"
            " mode). One line per request goes to stderr (passwords masked); Ctrl-C stops it."
        ),
        epilog=SERVE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        type=_text,
        help="address to listen on (default 127.0.0.1); any other needs the admin token",
    )
    serve.add_argument(
        "--port",
        type=_port,
        default=8765,
        help="port to listen on; 0 picks a free one (default 8765)",
    )
    serve.add_argument(
        "--scenario",
        metavar="FILE_OR_NAME",
        help="a scenario YAML file, or the name of a shipped one (fake-clickatell scenarios)",
    )
    serve.add_argument("--quiet", action="store_true", help="do not log each request")
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        type=_text,
        help="the token the admin API asks for; needed (and made up when not given) on any"
        " address but loopback",
    )
    serve.add_argument(
        "--admin-host",
        action="append",
        default=[],
        metavar="NAME",
        type=_text,
        help="a name the admin API answers to (the Host header) besides loopback names and IP"
        " addresses, e.g. the service name in a compose file; repeat for more",
    )
    defaults = Limits()
    serve.add_argument(
        "--max-connections",
        type=_count,
        default=defaults.max_connections,
        metavar="N",
        help=f"connections open at once; one more gets 503 (default {defaults.max_connections})",
    )
    for name, default, what in (
        ("head", defaults.head_timeout, "a request's head may take"),
        ("body", defaults.body_timeout, "a request's body may take"),
        ("idle", defaults.idle_timeout, "an idle connection is kept open"),
    ):
        serve.add_argument(
            f"--{name}-timeout",
            type=_seconds,
            default=default,
            metavar="SECONDS",
            help=f"time {what} (default {default:g})",
        )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        type=_text,
        help="a host (name, address or network) callbacks and MO pushes may reach, besides "
        "loopback; repeat for more",
    )
    serve.set_defaults(run=_serve)

    check = commands.add_parser(
        "check",
        help="validate scenario files without serving",
        description=(
            "Load each scenario file as serve would, and say ok (with what it holds) or the"
            " first error: the file, the key path and what was expected."
        ),
        epilog=CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("files", nargs="+", metavar="FILE_OR_NAME")
    check.set_defaults(run=_check)

    scenarios = commands.add_parser(
        "scenarios",
        help="list the shipped scenarios",
        description="The scenarios that come with the package, each usable by its name.",
    )
    scenarios.set_defaults(run=_scenarios)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fake-clickatell`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:  # no command: say what there is
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
