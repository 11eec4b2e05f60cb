"""The load generator: wrk, bounded in time, on loopback only, and its output parsed."""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

from .machine import Pinning, process_cpu_seconds, system_busy_seconds

#: What the report says instead of a number when wrk is missing.
WRK_MISSING = "wrk not installed (Debian/Ubuntu: apt-get install wrk)"

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class WrkError(RuntimeError):
    """wrk failed or printed something this module cannot read."""


@dataclass(frozen=True, slots=True)
class WrkResult:
    """One wrk run: throughput, latency percentiles (seconds), errors, CPU time used."""

    requests: int
    duration: float
    requests_per_second: float
    p50: float
    p99: float
    socket_errors: int
    non_2xx: int
    read_errors: int = 0
    #: The slowest request (seconds): on our server, typically a garbage collection's pause.
    max_latency: float | None = None
    server_cpu: float | None = None
    load_cpu: float | None = None
    others_cpu: float | None = None

    @property
    def server_cpu_per_request(self) -> float | None:
        """Server CPU seconds per completed request."""
        if self.server_cpu is None or not self.requests:
            return None
        return self.server_cpu / self.requests


def find_wrk() -> str | None:
    """The wrk executable, or ``None``."""
    return shutil.which("wrk")


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise WrkError(f"cannot read a duration from {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def _find(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text, re.M)
    if match is None:
        raise WrkError(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return match


def parse_output(text: str) -> WrkResult:
    """Read wrk's ``--latency`` report."""
    latency = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", text, re.M)
    p50 = _seconds(_find(r"^\s+50%\s+(\S+)", text)[1])
    p99 = _seconds(_find(r"^\s+99%\s+(\S+)", text)[1])
    done = _find(r"^\s+(\d+) requests in ([\d.]+\w+),", text)
    rps = float(_find(r"^Requests/sec:\s+([\d.]+)", text)[1])
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return WrkResult(
        requests=int(done[1]),
        duration=_seconds(done[2]),
        requests_per_second=rps,
        p50=p50,
        p99=p99,
        socket_errors=sum(int(x) for x in errors.groups()) if errors else 0,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        read_errors=int(errors[2]) if errors else 0,
        max_latency=_seconds(latency[1]) if latency else None,
    )


def wrk_command(
    wrk: str,
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int = 1,
    keep_alive: bool = True,
    pinning: Pinning | None = None,
    script: str | None = None,
) -> list[str]:
    """The wrk command line (``script``: a Lua file that shapes each request); refuses any
    target that is not on loopback."""
    host = urlsplit(url).hostname
    if host not in _LOOPBACK and not (host or "").startswith("127."):
        raise ValueError(f"load is only ever sent to loopback, not to {host!r}")
    command = [*(pinning.load_prefix() if pinning else []), wrk]
    # wrk takes whole seconds only.
    command += [f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s"]
    command += ["--timeout", "5s", "--latency"]
    if not keep_alive:
        command += ["-H", "Connection: close"]
    if script is not None:
        command += ["-s", script]
    return [*command, url]


def run_wrk(command: list[str], *, server_pid: int | None, timeout: float) -> WrkResult:
    """Run wrk to completion (killed after ``timeout`` s); CPU time of server, wrk and others."""
    server_before = process_cpu_seconds(server_pid) if server_pid else None
    busy_before = system_busy_seconds()
    children_before = _children_cpu()
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise WrkError(f"wrk did not finish within {timeout:.0f} s") from error
    if completed.returncode != 0:
        output = (completed.stderr.strip() or completed.stdout.strip()).splitlines()[:1]
        raise WrkError(f"wrk exited {completed.returncode}: {' '.join(output)}")
    result = parse_output(completed.stdout)
    load_cpu = _children_cpu() - children_before
    server_after = process_cpu_seconds(server_pid) if server_pid else None
    busy_after = system_busy_seconds()
    server_cpu = None
    if server_before is not None and server_after is not None:
        server_cpu = server_after - server_before
    others = None
    if busy_before is not None and busy_after is not None and server_cpu is not None:
        others = max(0.0, busy_after - busy_before - server_cpu - load_cpu)
    return WrkResult(
        requests=result.requests,
        duration=result.duration,
        requests_per_second=result.requests_per_second,
        p50=result.p50,
        p99=result.p99,
        socket_errors=result.socket_errors,
        non_2xx=result.non_2xx,
        read_errors=result.read_errors,
        max_latency=result.max_latency,
        server_cpu=server_cpu,
        load_cpu=load_cpu,
        others_cpu=others,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
