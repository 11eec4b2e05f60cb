"""The README's serve command works from a fresh clone with nothing installed (slow: pip)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
URL_LINE = re.compile(r"serving on (http://127\.0\.0\.1:\d+)")


def readme_serve_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^(make serve)\b", readme, re.MULTILINE)
    assert match, "the README must show `make serve`"
    return match[1]


@pytest.mark.slow
def test_readme_serve_command_in_a_fresh_clone(tmp_path: Path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: there is nothing to clone")
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.fail("git and make are needed for the README's commands")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # A fresh machine: no virtual environment, no make variables inherited from `make test`.
    inherited = ("VIRTUAL_ENV", "PYTHON", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(Path(sys.prefix)))
    )
    env["PORT"] = "0"  # `make serve` reads PORT; 0 picks a free port
    process = subprocess.Popen(
        readme_serve_command().split(),
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 600
        url = None
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if match := URL_LINE.search(line):
                url = match[1]
        assert url, "".join(output)
        query = "api_id=3442105&user=demo&password=secret"
        with urllib.request.urlopen(f"{url}/http/auth?{query}", timeout=10) as reply:
            body = reply.read().decode()
        assert re.fullmatch(r"OK: [0-9a-f]{32}", body), body
        assert (clone / ".venv" / "bin" / "fake-clickatell").exists()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
