"""The machine: which CPUs the server and the load generator get, load, CPU time and RSS.

Linux only for CPU time and RSS (``/proc``); elsewhere those read as unavailable.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Pinning:
    """Where the server and the load generator run; ``reason`` says why they are not pinned."""

    server_cpu: int | None
    load_cpu: int | None
    reason: str | None = None

    @property
    def pinned(self) -> bool:
        """True when the two are on different CPUs."""
        return self.server_cpu is not None and self.load_cpu is not None

    def server_prefix(self) -> list[str]:
        """The command prefix that pins a server (empty when not pinned)."""
        return _taskset(self.server_cpu) if self.pinned else []

    def load_prefix(self) -> list[str]:
        """The command prefix that pins the load generator (empty when not pinned)."""
        return _taskset(self.load_cpu) if self.pinned else []

    def describe(self) -> str:
        """One line for the report header."""
        if self.pinned:
            return (
                f"pinned with taskset: servers on CPU {self.server_cpu}, "
                f"load generator and pollers on CPU {self.load_cpu}"
            )
        return f"NOT pinned ({self.reason}): server and load generator share the CPUs"


def _taskset(cpu: int | None) -> list[str]:
    return ["taskset", "-c", str(cpu)]


def plan_pinning() -> Pinning:
    """Two different CPUs this process may use, if ``taskset`` exists and there are two."""
    if not hasattr(os, "sched_getaffinity"):
        return Pinning(None, None, "no CPU affinity on this platform")
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return Pinning(None, None, f"only {len(cpus)} CPU available")
    if shutil.which("taskset") is None:
        return Pinning(None, None, "taskset not found (util-linux)")
    return Pinning(cpus[0], cpus[1])


def pin_self(cpu: int | None) -> None:
    """Move this process to ``cpu`` (no-op for ``None`` or without affinity support)."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


def unpin_self() -> None:
    """Let this process run on every CPU again."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))


def load_average() -> tuple[float, float, float] | None:
    """The 1, 5 and 15 minute load averages, if known."""
    try:
        return os.getloadavg()
    except OSError:
        return None


def system_busy_seconds() -> float | None:
    """CPU seconds spent not idle, summed over all CPUs, since boot (``/proc/stat``)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` (all its threads), if readable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int | str = "self") -> int | None:
    """Resident set size of ``pid`` in bytes (``VmRSS``), if readable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def describe_machine() -> str:
    """Python, OS and CPU count, for the report header."""
    return (
        f"Python {platform.python_version()} ({sys.implementation.name}), "
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs"
    )
