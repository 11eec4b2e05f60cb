"""The package as a user installs it: a wheel in a virtual environment outside the checkout
(slow: it builds the wheel and installs its dependencies from the package index)."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_a_shipped_scenario_by_name_from_an_installed_wheel(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--wheel-dir", str(wheels), str(ROOT)],
        check=True,
        timeout=600,
    )  # fmt: skip
    (wheel,) = wheels.glob("fake_clickatell-*.whl")
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(wheel)],
        check=True,
        timeout=600,
    )  # fmt: skip
    elsewhere = tmp_path / "project"  # no scenarios/ here: the name must come from the wheel
    elsewhere.mkdir()
    listed = subprocess.run(
        [str(env_dir / "bin" / "fake-clickatell"), "scenarios"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert re.search(r"^flaky +a flaky gateway\.$", listed.stdout, re.M), listed.stdout
    with subprocess.Popen(
        [str(env_dir / "bin" / "fake-clickatell"), "serve", "--port", "0", "--quiet",
         "--scenario", "flaky"],
        cwd=elsewhere,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            match = re.search(r"serving on (http://127\.0\.0\.1:\d+) \(scenario (\S+);", banner)
            assert match, banner
            assert Path(match[2]).is_relative_to(env_dir)  # the installed copy, not the checkout
            query = "api_id=1&user=u&password=p&to=27999000001&text=hi"
            replies = []
            for _ in range(3):
                with urllib.request.urlopen(f"{match[1]}/http/sendmsg?{query}", timeout=10) as r:
                    replies.append(r.read().decode())
            # The web inbox: its templates and static files are package data.
            with urllib.request.urlopen(f"{match[1]}/", timeout=10) as r:
                inbox = r.read().decode()
            with urllib.request.urlopen(f"{match[1]}/__ui/static/ui.js", timeout=10) as r:
                script = r.read().decode()
        finally:
            process.terminate()
    assert replies[:2] == ["ERR: 901, Internal error"] * 2  # flaky.yaml: the first two fail
    assert replies[2].startswith("ID: ")
    assert "<h1>Inbox</h1>" in inbox
    assert "1\N{EN DASH}1 of 1 message," in inbox  # the one sendmsg accepted
    assert "EventSource" in script
