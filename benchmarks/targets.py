"""Servers under load: benchmark server processes and WireMock, started pinned, always stopped.

Every server is a child process bound to 127.0.0.1 on a free port. :class:`Servers` owns them
and kills them all on exit, whatever happened.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from .machine import Pinning, free_port
from .payloads import RECIPIENT_COUNTS, reply_body, stub_path

#: The repository root: server processes import ``benchmarks`` from here.
ROOT = Path(__file__).resolve().parent.parent
#: Where ``make bench`` installs the npm package ``wiremock`` (which bundles the jar).
WIREMOCK_NPM_DIR = Path(sys.prefix) / "wiremock"


class ServerError(RuntimeError):
    """A server did not start or misbehaved."""


@dataclass
class Server:
    """A running server process."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    stderr_path: Path | None = None

    @property
    def pid(self) -> int:
        """The server's process id (``taskset`` execs, so this is the server itself)."""
        return self.process.pid

    def url(self, target: str) -> str:
        """``http://127.0.0.1:<port><target>``."""
        return f"http://127.0.0.1:{self.port}{target}"

    def request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        timeout: float = 10,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """One request on a fresh connection: (status, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


class Servers:
    """Starts servers and stops every one of them on exit."""

    def __init__(self, pinning: Pinning) -> None:
        self.pinning = pinning
        self._servers: list[Server] = []
        self._tempdirs: list[tempfile.TemporaryDirectory[str]] = []

    def __enter__(self) -> Servers:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Kill every server started here."""
        for server in self._servers:
            _stop(server.process)
        self._servers.clear()
        for tempdir in self._tempdirs:
            tempdir.cleanup()
        self._tempdirs.clear()

    def stop(self, server: Server) -> None:
        """Kill one server."""
        _stop(server.process)
        if server in self._servers:
            self._servers.remove(server)

    def start_python(
        self, stack: str, app: str, gc_mode: str | None = None, timeout: float = 30
    ) -> Server:
        """``python -m benchmarks.serve STACK APP [GC]``, pinned to the server CPU."""
        command = [
            *self.pinning.server_prefix(),
            sys.executable,
            "-m",
            "benchmarks.serve",
            stack,
            app,
            *([gc_mode] if gc_mode else []),
        ]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        name = f"{stack}/{app}" + (f"/{gc_mode}" if gc_mode else "")
        try:
            port = _read_ready(process, timeout, name)
        except BaseException:
            _stop(process)
            raise
        server = Server(name, process, port)
        self._servers.append(server)
        return server

    def start_wiremock(self, jar: Path, *, port: int | None = None) -> Server:
        """WireMock standalone serving the static stubs, pinned; returns once the port listens."""
        server = self.launch_wiremock(jar, port=port)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not server.alive():
                raise ServerError(f"WireMock exited {server.process.returncode}")
            with contextlib.suppress(OSError):
                status, _ = server.request("GET", "/__admin/mappings", timeout=2)
                if status == 200:
                    return server
            time.sleep(0.05)
        raise ServerError("WireMock did not answer within 60 s")

    def launch_wiremock(self, jar: Path, *, port: int | None = None) -> Server:
        """Launch WireMock and return at once (for cold-start timing)."""
        root = tempfile.TemporaryDirectory(prefix="bench-wiremock-")
        self._tempdirs.append(root)
        write_wiremock_mappings(Path(root.name))
        port = port or free_port()
        command = [
            "java",
            "-jar",
            str(jar),
            "--port",
            str(port),
            "--bind-address",
            "127.0.0.1",
            "--root-dir",
            root.name,
            "--disable-banner",
            # The same bound as the fake's request journal (10,000 entries).
            "--max-request-journal-entries",
            "10000",
        ]
        return self.launch_command(command, "wiremock", port)

    def launch_command(self, command: list[str], name: str, port: int) -> Server:
        """Launch ``command`` (a server that will listen on ``port``), pinned; returns at once."""
        process = subprocess.Popen(
            [*self.pinning.server_prefix(), *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = Server(name, process, port)
        self._servers.append(server)
        return server


def _read_ready(process: subprocess.Popen[bytes], timeout: float, name: str) -> int:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        raise ServerError(f"{name} did not start within {timeout:.0f} s")
    line = process.stdout.readline().decode().strip()
    if not line.startswith("READY "):
        raise ServerError(f"{name} did not start: {line or 'exited ' + str(process.poll())}")
    return int(line.split()[1])


def write_wiremock_mappings(root: Path) -> None:
    """Static stubs equivalent to the bare route: same paths, same bodies, same content type."""
    mappings = root / "mappings"
    mappings.mkdir(parents=True, exist_ok=True)
    for count in RECIPIENT_COUNTS:
        stub = {
            "request": {"method": "GET", "urlPath": stub_path(count)},
            "response": {
                "status": 200,
                "body": reply_body(count),
                "headers": {"Content-Type": "text/plain; charset=utf-8"},
            },
        }
        (mappings / f"sendmsg-{count}.json").write_text(json.dumps(stub))


def find_wiremock() -> tuple[Path | None, str | None]:
    """(the WireMock standalone jar, None) or (None, why it is unavailable)."""
    if shutil.which("java") is None:
        return None, "java not found"
    configured = os.environ.get("WIREMOCK_JAR")
    if configured:
        path = Path(configured)
        return (path, None) if path.is_file() else (None, f"WIREMOCK_JAR={configured} not found")
    jars = sorted(WIREMOCK_NPM_DIR.glob("node_modules/wiremock/build/*.jar"))
    if jars:
        return jars[-1], None
    return None, (
        "WireMock jar not found (`make bench` installs the npm package `wiremock`; "
        "or set WIREMOCK_JAR)"
    )


def wait_for_reply(
    port: int, target: str, expect: bytes, *, timeout: float, poll: float = 0.001
) -> float:
    """Poll until ``GET target`` answers 200 with ``expect``; returns ``time.perf_counter()``."""
    deadline = time.perf_counter() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", target)
                response = conn.getresponse()
                body = response.read()
            finally:
                conn.close()
            if response.status == 200 and body.startswith(expect):
                return time.perf_counter()
        except OSError:
            pass
        if time.perf_counter() > deadline:
            raise ServerError(f"no reply from port {port} within {timeout:.0f} s")
        time.sleep(poll)
