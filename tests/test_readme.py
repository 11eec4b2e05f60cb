"""The README and docs say what the code does: their snippets run, their scenarios load and
behave as their comments say, their commands parse, their counts hold, and they point at
nothing outside the repository.

(The pytest examples run in test_docs_pytest.py; the serve command in test_fresh_clone.py.)
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import httpx
import pytest

from fake_clickatell import FakeServer, create_app, load_scenario_text
from fake_clickatell.app import TransportFault, runtime_of
from fake_clickatell.cli import build_parser
from fake_clickatell.scenario.shipped import shipped_names

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(doc: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(doc.read_text()) if lang == language]


def readme_python(marker: str) -> str:
    (found,) = [body for body in blocks(README, "python") if marker in body]
    return found


def test_the_fake_server_example_runs():
    exec(readme_python("with FakeServer() as fake:"), {})


def test_the_client_example_runs():
    exec(readme_python("ClickatellClient(fake.url"), {})


def test_the_platform_and_one_api_client_example_runs():
    exec(readme_python("PlatformClient(server.url"), {})


def test_the_quick_start_session_gets_what_it_shows():
    console = "\n".join(blocks(README, "console"))
    shown = dict(re.findall(r"^\$ curl (?:-s )?'?([^' ]+)'?.*\n([^$].*)?$", console, re.M))
    assert len(shown) == 3
    with FakeServer() as fake:
        auth_url, send_url, list_url = shown
        base = "http://127.0.0.1:8765"
        auth = httpx.get(auth_url.replace(base, fake.url)).text
        assert re.fullmatch(r"OK: [0-9a-f]{32}", auth)
        assert re.fullmatch(r"OK: [0-9a-f]{32}", shown[auth_url])
        session = auth[4:]
        sent = httpx.get(
            re.sub(r"session_id=[^&]+", f"session_id={session}", send_url).replace(base, fake.url)
        ).text
        assert re.fullmatch(r"ID: [0-9a-f]{32}", sent)
        assert re.fullmatch(r"ID: [0-9a-f]{32}", shown[send_url])
        (message,) = httpx.get(list_url.replace(base, fake.url)).json()["messages"]
        assert message["apimsgid"] == sent[4:]
    banner = console.splitlines()[1]
    assert banner.startswith("fake-clickatell ")
    assert banner.endswith("(open mode: any credentials; clock running; 0 rules)")


def test_every_yaml_example_is_a_valid_scenario():
    examples = [
        body for doc in (README, ROOT / "docs" / "scenarios.md") for body in blocks(doc, "yaml")
    ]
    assert len(examples) >= 8
    for body in examples:
        load_scenario_text(body, "example.yaml")


def test_the_flaky_example_does_what_its_comments_say():
    (text,) = [body for body in blocks(README, "yaml") if body.startswith("# flaky.yaml")]
    app = create_app(load_scenario_text(text, "flaky.yaml"))
    runtime = runtime_of(app)
    slept: list[float] = []
    runtime.sleep = slept.append
    client = app.test_client()
    credentials = {"api_id": "1", "user": "u", "password": "p"}
    outcomes = []
    for _ in range(10):
        query = {**credentials, "to": "27999000001", "text": "hi"}
        try:
            outcomes.append(
                client.get("/http/sendmsg", query_string=query).get_data(as_text=True)[:4]
            )
        except TransportFault as fault:
            outcomes.append(fault.fault.value)
    assert outcomes == [
        "ERR:", "ERR:", "ID: ", "ID: ", "reset", "ID: ", "ID: ", "ID: ", "ID: ", "reset"
    ]  # fmt: skip
    errors = [entry["body"] for entry in runtime.journal()["requests"][:2]]
    assert errors == ["ERR: 901, Internal error"] * 2
    client.get("/http/querymsg", query_string={**credentials, "apimsgid": "x"})
    assert slept == [2.0]
    to = "27999000002,447700900123,33612345678"
    lines = client.get("/http/sendmsg", query_string={**credentials, "to": to, "text": "hi"})
    assert lines.get_data(as_text=True).splitlines()[0].startswith("ERR: 121")
    assert lines.get_data(as_text=True).splitlines()[2].startswith("ERR: 114")
    uk = [m for m in runtime.messages()["messages"] if m["to"] == "447700900123"]
    assert [m["charge"] for m in uk] == ["1.2"]
    runtime.move_clock(advance=30)
    uk = [m for m in runtime.messages()["messages"] if m["to"] == "447700900123"]
    assert [s["status"] for s in uk[0]["status_history"]] == ["003", "007"]


def _commands(doc: Path) -> list[list[str]]:
    """Every ``fake-clickatell ...`` command shown: in ``sh`` blocks, and after the prompt
    (``$ ``) in ``console`` blocks, whose other lines are output."""
    lines = [line for body in blocks(doc, "sh") for line in body.splitlines()]
    lines += [
        line[2:]
        for body in blocks(doc, "console")
        for line in body.splitlines()
        if line.startswith("$ ")
    ]
    found = []
    for line in lines:
        command = line.split("#", 1)[0].strip().rstrip("&").strip()
        if command.startswith("fake-clickatell "):
            found.append(shlex.split(command)[1:])
    return found


@pytest.mark.parametrize("doc", [README, *DOCS], ids=lambda path: path.name)
def test_every_command_shown_parses(doc: Path):
    for args in _commands(doc):
        parsed = build_parser().parse_args([arg for arg in args if "*" not in arg])
        assert parsed.command in ("serve", "check", "scenarios")


def test_the_readme_names_every_shipped_scenario():
    text = README.read_text()
    listed = re.search(r"has ready-made ones \(([^)]*)\)", text)
    assert listed is not None
    assert len(listed[1].split(",")) == len(shipped_names()) == 10


@pytest.mark.parametrize(
    "doc", [README, *DOCS, *sorted((ROOT / "examples").rglob("*.md"))], ids=lambda p: p.name
)
def test_docs_point_at_nothing_outside_the_repository(doc: Path):
    text = doc.read_text()
    for outside in (r"\.\./shared", r"shared/spec", r"[Ii]ssue [0-9]+", r"SPEC §", r"Part [AB] §"):
        assert not re.search(outside, text), (doc.name, outside)
    for link in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if not link.startswith(("http://", "https://")):
            assert (doc.parent / link).exists(), (doc.name, link)
