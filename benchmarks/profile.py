"""A sampling profile of our server under keep-alive sendmsg load, by layer (py-spy).

py-spy samples the thread holding the GIL (``--gil``: Python CPU time; time spent in system
calls with the GIL released is not in it) without stopping the process (``--nonblocking``;
torn stacks are dropped). Each sample is charged to the innermost frame that belongs to a
layer: the core, the adapter (``app.py``), Flask/werkzeug, or the server loop (``server.py``,
``http.server``); standard-library frames are charged to the layer that called them.
"""

from __future__ import annotations

import collections
import contextlib
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from .config import Config
from .payloads import sendmsg_query
from .stats import Report
from .targets import Servers
from .throughput import open_session
from .wrk import WRK_MISSING, WrkError, run_wrk, wrk_command

SECTION = "profile"

#: (layer, path fragments of its frames), innermost layer first.
LAYERS = (
    ("core", ("fake_clickatell/core/",)),
    ("adapter", ("fake_clickatell/app/",)),
    ("flask", ("flask/", "werkzeug/")),
    ("server", ("fake_clickatell/server/", "http/server.py", "socketserver.py")),
)
LABELS = {
    "core": "core (fake_clickatell/core)",
    "adapter": "adapter (app/, incl. query decoding)",
    "flask": "Flask + werkzeug",
    "server": "server loop (server/: sockets, request heads)",
    "headers": "  of which in the request-head reader",
    "recv": "  of which in socket reads (readinto)",
    "other": "other",
}
#: Frames that read a request's line and headers (ours; http.server's before).
HEAD_READERS = ("read_request (fake_clickatell/server/", "parse_headers (http/client.py")


def classify(stack: str) -> str:
    """The layer a sample of ``stack`` (py-spy raw, root first, ``;``-separated) is charged to."""
    frames = stack.split(";")
    for frame in reversed(frames):
        for layer, fragments in LAYERS:
            if any(fragment in frame for fragment in fragments):
                return layer
    return "other"


def parse_raw(lines: Iterable[str]) -> collections.Counter[str]:
    """py-spy ``--format raw`` lines (``stack count``) to samples per stack."""
    counts: collections.Counter[str] = collections.Counter()
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            counts[stack] += int(count)
    return counts


def shares(counts: collections.Counter[str]) -> dict[str, float]:
    """Share of samples per layer; within the server loop, of the request-head reader and of
    socket reads.

    py-spy charges a thread blocked in a system call to the last holder of the GIL, and shows
    no C frames: a sample on the reader's ``readline`` line is mostly waiting for the bytes.
    """
    total = sum(counts.values())
    layers: collections.Counter[str] = collections.Counter()
    for stack, n in counts.items():
        layers[classify(stack)] += n
        if "(socket.py:" in stack.rsplit(";", 1)[-1]:
            layers["recv"] += n
        elif any(reader in stack for reader in HEAD_READERS):
            layers["headers"] += n
    return {layer: layers[layer] / total for layer in LABELS} if total else {}


def top_functions(counts: collections.Counter[str], n: int = 12) -> list[tuple[str, float]]:
    """The ``n`` frames with the most samples on top of the stack (self time), as shares."""
    total = sum(counts.values())
    leaves: collections.Counter[str] = collections.Counter()
    for stack, k in counts.items():
        leaves[stack.split(";")[-1]] += k
    return [(frame, k / total) for frame, k in leaves.most_common(n)] if total else []


def find_py_spy() -> str | None:
    """py-spy next to this interpreter, or on PATH."""
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def run(report: Report, config: Config, results_dir: Path | None = None) -> None:
    """Profile ``ours/fake`` under wrk for ``max(3, 2 x duration)`` seconds."""
    seconds = max(3.0, 2 * config.duration)
    report.section(SECTION, f"py-spy --gil, {seconds:g} s of keep-alive sendmsg x1 on our server")
    for layer, label in LABELS.items():
        report.metric(f"profile.{layer}", label, "%")
        report.row(SECTION, f"profile.{layer}")
    py_spy = find_py_spy()
    reason = None if config.wrk else WRK_MISSING
    if py_spy is None:
        reason = reason or "py-spy not installed (pip install -e '.[bench]')"
    if reason is not None:
        for layer, label in LABELS.items():
            report.skip(f"profile.{layer}", label, "%", reason)
        return
    assert config.wrk is not None
    assert py_spy is not None
    with Servers(config.pinning) as servers, tempfile.TemporaryDirectory() as tmp:
        server = servers.start_python("ours", "fake")
        url = server.url("/http/sendmsg?" + sendmsg_query(open_session(server), 1))
        command = wrk_command(
            config.wrk,
            url,
            duration=seconds + 2,
            connections=config.connections,
            pinning=config.pinning,
        )
        load = threading.Thread(
            target=_quietly, args=(command, server.pid, seconds + 40), daemon=True
        )
        load.start()
        output = Path(tmp) / "profile.txt"
        spy: list[str] = [*config.pinning.load_prefix(), py_spy, "record", "--pid", str(server.pid)]
        spy += ["--duration", f"{seconds:.0f}", "--rate", "400", "--format", "raw"]
        spy += ["--gil", "--nonblocking", "--output", str(output)]
        completed = subprocess.run(
            spy, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
        load.join(timeout=seconds + 60)
        if completed.returncode != 0 or not output.exists():
            why = (completed.stderr.strip().splitlines() or ["no output"])[-1]
            for layer, label in LABELS.items():
                report.skip(f"profile.{layer}", label, "%", f"py-spy failed: {why}")
            return
        counts = parse_raw(output.read_text(errors="replace").splitlines())
        if results_dir is not None:
            results_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(output, results_dir / "profile-ours-fake-sendmsg.txt")
    for layer, share in shares(counts).items():
        report.add(f"profile.{layer}", LABELS[layer], "%", share * 100)
    top = ", ".join(f"{frame} {share:.0%}" for frame, share in top_functions(counts, 8))
    report.notes.append(f"profile: {sum(counts.values())} samples; top self time: {top}")


def _quietly(command: list[str], pid: int, timeout: float) -> None:
    # The profile reports on what it sampled; a wrk failure shows as few samples.
    with contextlib.suppress(WrkError):
        run_wrk(command, server_pid=pid, timeout=timeout)
