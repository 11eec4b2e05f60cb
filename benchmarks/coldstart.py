"""Cold start: from launching a server process to its first correct reply, ours vs WireMock.

Each round launches ``fake-clickatell serve`` and WireMock standalone (pinned to the server
CPU), polls each from the other CPU every millisecond until a sendmsg is answered, and kills it.
For scale, it also times ``python -c pass``: the interpreter's own start and exit.
"Cold" means a new process; the operating system's file cache is warm (as on any second run).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from .config import Config
from .machine import free_port, pin_self, unpin_self
from .payloads import CREDENTIALS, TEXT, recipients, reply_body, stub_path
from .stats import Better, Report, Target
from .targets import ServerError, Servers, find_wiremock, wait_for_reply

SECTION = "cold start"
CLI = "coldstart.cli"
EAGER = "coldstart.eager"
WIREMOCK = "coldstart.wiremock"
FLOOR = "coldstart.python"
_TIMEOUT = 60.0
#: ``fake-clickatell serve`` as it started before Flask and yaml were imported lazily.
_EAGER = "import flask, yaml, sys; from fake_clickatell.cli import main; sys.exit(main())"


def _cli_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("fake-clickatell")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "fake_clickatell"]
    return [*launcher, "serve", "--port", str(port), "--quiet"]


def _eager_command(port: int) -> list[str]:
    return [sys.executable, "-c", _EAGER, "serve", "--port", str(port), "--quiet"]


def run(report: Report, config: Config) -> None:
    """Time every cold start ``config.rounds`` times, interleaved."""
    report.section(SECTION, "launch to first sendmsg reply, new process each round")
    labels = {
        CLI: "fake-clickatell serve",
        EAGER: "serve with Flask + yaml imported at start",
        WIREMOCK: "WireMock standalone",
        FLOOR: "python -c pass (interpreter floor)",
    }
    for key, label in labels.items():
        report.metric(key, label, "ms")
    report.row(SECTION, CLI, WIREMOCK, Target(1 / 8, Better.LOWER))
    report.row(SECTION, EAGER, CLI)
    report.row(SECTION, FLOOR, WIREMOCK)
    jar, why_not = find_wiremock()
    if jar is None:
        report.skip(WIREMOCK, labels[WIREMOCK], "ms", why_not or "unavailable")
    query = urlencode({**CREDENTIALS, "to": recipients(1)[0], "text": TEXT})
    pin_self(config.pinning.load_cpu)
    try:
        with Servers(config.pinning) as servers:
            for _ in range(config.rounds):
                started = time.perf_counter()
                floor = [*config.pinning.server_prefix(), sys.executable, "-c", "pass"]
                subprocess.run(floor, check=True)
                report.add(FLOOR, labels[FLOOR], "ms", (time.perf_counter() - started) * 1e3)
                for key, command in ((CLI, _cli_command), (EAGER, _eager_command)):
                    port = free_port()
                    started = time.perf_counter()
                    process = servers.launch_command(command(port), labels[key], port)
                    try:
                        ready = wait_for_reply(
                            port, f"/http/sendmsg?{query}", b"ID: ", timeout=_TIMEOUT
                        )
                        report.add(key, labels[key], "ms", (ready - started) * 1e3)
                    except ServerError as error:
                        report.notes.append(f"cold start of {labels[key]}: {error}")
                    finally:
                        servers.stop(process)
                if jar is None:
                    continue
                started = time.perf_counter()
                wiremock = servers.launch_wiremock(jar)
                try:
                    ready = wait_for_reply(
                        wiremock.port,
                        f"{stub_path(1)}?{query}",
                        reply_body(1).encode(),
                        timeout=_TIMEOUT,
                    )
                    report.add(WIREMOCK, labels[WIREMOCK], "ms", (ready - started) * 1e3)
                except ServerError as error:
                    report.notes.append(f"cold start of WireMock: {error}")
                finally:
                    servers.stop(wiremock)
    finally:
        unpin_self()
