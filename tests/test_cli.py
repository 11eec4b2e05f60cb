"""The ``fake-clickatell`` command: serve (URL line, request log, clean Ctrl-C) and check."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_clickatell.cli import main
from fake_clickatell.core.scenario_model import DEFAULT_SCENARIO as DEFAULT

URL_LINE = re.compile(r"serving on (http://127\.0\.0\.1:(\d+))")


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_clickatell", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = URL_LINE.search(line)
    assert match, line
    return process, match[1]


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process, url = start()
    yield process, url
    if process.poll() is None:
        process.kill()
    process.communicate()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        body: bytes = response.read()
        return body.decode()


def test_serve_prints_its_url_logs_requests_and_stops_on_ctrl_c(served):
    process, url = served
    assert get(f"{url}/http/auth?api_id=1&user=u&password=hunter2").startswith("OK: ")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in stderr
    log = [line for line in stderr.splitlines() if "/http/auth" in line]
    assert len(log) == 1
    assert '"GET /http/auth?api_id=1&user=u&password=********" 200 OK: ' in log[0]
    assert "hunter2" not in stderr
    assert stderr.rstrip().endswith("fake-clickatell: stopped")


def test_serve_prints_the_web_inbox_and_serves_it(served):
    process, url = served
    assert process.stdout.readline() == f"web inbox: {url}/\n"
    assert "<h1>Inbox</h1>" in get(f"{url}/")


def test_serve_stops_on_sigterm(served):
    process, url = served
    assert get(f"{url}/http/ping?session_id=x") == "ERR: 003, Session ID expired"
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert process.returncode == 0


def test_serve_with_a_scenario(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text("accounts:\n  - {api_id: 9, user: u, password: p, balance: 3}\n")
    process, url = start("--scenario", str(path), "--quiet")
    try:
        assert get(f"{url}/http/getbalance?api_id=9&user=u&password=p") == "Credit: 3.00"
        assert get(f"{url}/http/getbalance?api_id=1&user=u&password=p") == (
            "ERR: 108, Invalid or missing api_id"
        )
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "/http/getbalance" not in stderr  # --quiet


def test_serve_refuses_a_broken_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "bad.yaml"
    path.write_text("seed: x\n")
    assert main(["serve", "--port", "0", "--scenario", str(path)]) == 2
    assert (
        capsys.readouterr().err == f"fake-clickatell: {path}: seed: expected an integer, got 'x'\n"
    )


def test_check_validates_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    good = tmp_path / "good.yaml"
    good.write_text("seed: 1\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sed: 1\n")
    assert main(["check", str(good)]) == 0
    assert main(["check", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert f"{good}: ok" in captured.out
    assert captured.err.startswith(f"{bad}: sed: unknown key; expected one of seed, ")


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "fake-clickatell"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("fake-clickatell ")


# What `serve` imports before its first admin request (its cold start, docs/benchmarks.md).
LAZY_IMPORTS = """
import io, json, sys
from fake_clickatell.cli import build_parser
from fake_clickatell.app import create_wsgi_app

def call(app, method, path, query=""):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
               "SERVER_NAME": "t", "SERVER_PORT": "1", "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr}
    seen = []
    body = b"".join(app(environ, lambda status, headers, exc=None: seen.append(status)))
    return seen[0], body.decode()

def loaded():
    return sorted({m.split(".")[0] for m in sys.modules} & {"flask", "werkzeug", "yaml"})

app = create_wsgi_app()
steps = [("start", loaded())]
steps.append((call(app, "GET", "/http/auth", "api_id=1&user=u&password=p")[1][:4], loaded()))
steps.append((call(app, "GET", "/nowhere")[0], loaded()))
steps.append((call(app, "POST", "/__admin/reset")[0], loaded()))
print(json.dumps(steps))
"""


def test_serve_imports_flask_and_yaml_only_when_first_needed():
    result = subprocess.run(
        [sys.executable, "-c", LAZY_IMPORTS], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [
        ["start", []],
        ["OK: ", []],
        ["404 Not Found", []],  # a path outside the API is answered without Flask too
        ["200 OK", ["flask", "werkzeug"]],
    ]


def test_serve_stops_on_sigint_even_when_started_with_sigint_ignored():
    # A shell script's background job starts with SIGINT ignored; Ctrl-C must still work
    # once the server runs (it installs its own handler).
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_clickatell", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert process.stdout is not None
    assert URL_LINE.search(process.stdout.readline())
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert stderr.rstrip().endswith("fake-clickatell: stopped")


# -- arguments, help and the banner ----------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fake_clickatell", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["serve", "--port", "99999"], "argument --port: expected a port from 0 to 65535"),
        (["serve", "--port", "http"], "argument --port: expected a port from 0 to 65535"),
        (["serve", "--head-timeout", "-1"], "argument --head-timeout: expected a number of"),
        (["serve", "--idle-timeout", "nan"], "argument --idle-timeout: expected a number of"),
        (["serve", "--max-connections", "0"], "argument --max-connections: expected a whole"),
        (["serve", "--admin-token", ""], "argument --admin-token: expected a non-empty value"),
        (["serve", "--scenario", "missing.yaml"], "missing.yaml: cannot read the file"),
        (["serve", "--host", "256.1.1.1"], "cannot listen on 256.1.1.1:"),
        (["serve", "--colour"], "unrecognized arguments: --colour"),
        (["launch"], "argument COMMAND: invalid choice: 'launch'"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_status_2(args: list[str], error: str):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert error in line


def test_no_arguments_print_the_help():
    result = run_cli()
    assert result.returncode == 2
    assert result.stdout.startswith("usage: fake-clickatell")
    assert "serve" in result.stdout
    assert "check" in result.stdout
    assert "scenarios" in result.stdout


@pytest.mark.parametrize("command", ["serve", "check"])
def test_each_command_has_a_description_and_examples(command: str):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    description = result.stdout.split("\n\n")[1]
    assert len(description.split()) > 10
    assert "examples:" in result.stdout
    assert f"fake-clickatell {command} " in result.stdout.split("examples:")[1]


def test_scenarios_lists_every_shipped_one_with_its_description():
    from fake_clickatell.scenario.shipped import describe, shipped_names

    result = run_cli("scenarios")
    assert result.returncode == 0
    names = shipped_names()
    assert len(names) == 10
    for name in names:
        assert re.search(rf"^{re.escape(name)} +{re.escape(describe(name))}$", result.stdout, re.M)
    assert describe("flaky") == "a flaky gateway."


def test_the_banner_says_mode_clock_and_rules(tmp_path: Path):
    text = "accounts: [{api_id: 1, user: u, password: p}]\nclock: {start: 2027-01-15T08:00:00Z, frozen: true}\n"
    (tmp_path / "strict.yaml").write_text(text)
    strict = subprocess.Popen(
        [sys.executable, "-m", "fake_clickatell", "serve", "--port", "0", "--quiet",
         "--scenario", str(tmp_path / "strict.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    assert strict.stdout is not None
    line = strict.stdout.readline()
    strict.terminate()
    strict.communicate(timeout=10)
    assert line.rstrip().endswith(
        f"(scenario {tmp_path / 'strict.yaml'}; strict mode: 1 account;"
        " clock frozen at 2027-01-15T08:00:00.000Z; 0 rules)"
    )


def test_the_banner_of_open_mode_and_a_shipped_scenario():
    from fake_clickatell.cli import banner
    from fake_clickatell.scenario import load_scenario

    flaky = load_scenario("flaky")
    line = banner("http://127.0.0.1:1", flaky, {"now_iso": "x", "frozen": False})
    assert line.endswith(
        f"(scenario {flaky.source}; open mode: any credentials; clock running; 1 rule)"
    )
    assert banner("u", DEFAULT, {"frozen": False}).endswith(
        "(open mode: any credentials; clock running; 0 rules)"
    )
